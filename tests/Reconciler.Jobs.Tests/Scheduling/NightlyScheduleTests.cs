using Reconciler.Jobs.Scheduling;

namespace Reconciler.Jobs.Tests.Scheduling;

/// <summary>What the nightly job reconciles, from the instant it was scheduled for, in Asia/Shanghai (no DST).</summary>
public sealed class NightlyScheduleTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Fact]
    public void RunFor_ReconcilesThePreviousBusinessDateAsOfTheScheduledInstant_WhenScheduledAtTheDefaultTime()
    {
        var schedule = new NightlySchedule("30 10 * * *", Shanghai);
        var scheduled = DateTimeOffset.Parse("2026-11-21T10:30:00+08:00", System.Globalization.CultureInfo.InvariantCulture);

        var (date, asOf) = schedule.RunFor(scheduled);

        date.Should().Be(new DateOnly(2026, 11, 20));
        asOf.Should().Be(scheduled);
    }

    [Fact]
    public void RunFor_TakesTheShanghaiDay_WhenTheScheduleIsJustAfterMidnightThereButStillTheDayBeforeInUtc()
    {
        var schedule = new NightlySchedule("30 0 * * *", Shanghai);
        // 00:30 on 21 November in Beijing is 16:30 on 20 November in UTC.
        var scheduled = new DateTimeOffset(2026, 11, 20, 16, 30, 0, TimeSpan.Zero);

        var (date, asOf) = schedule.RunFor(scheduled);

        date.Should().Be(new DateOnly(2026, 11, 20), "the business date before the scheduled Beijing day (21 November)");
        asOf.Should().Be(scheduled);
    }

    [Fact]
    public void RunFor_TakesTheShanghaiDay_WhenTheScheduleIsJustBeforeMidnightThere()
    {
        var schedule = new NightlySchedule("50 23 * * *", Shanghai);
        var scheduled = DateTimeOffset.Parse("2026-11-21T23:50:00+08:00", System.Globalization.CultureInfo.InvariantCulture);

        schedule.RunFor(scheduled).Date.Should().Be(new DateOnly(2026, 11, 20));
    }

    [Fact]
    public void RunFor_UsesTheScheduledInstantNotTheClock_WhenAWorkerStartsTheJobHoursLate()
    {
        var schedule = new NightlySchedule("30 10 * * *", Shanghai);
        // A worker got to the job at 02:10 Beijing the next day (after midnight): still the night of 21 November.
        var late = DateTimeOffset.Parse("2026-11-22T02:10:00+08:00", System.Globalization.CultureInfo.InvariantCulture);

        var (date, asOf) = schedule.RunFor(late);

        date.Should().Be(new DateOnly(2026, 11, 20));
        asOf.Should().Be(DateTimeOffset.Parse("2026-11-21T10:30:00+08:00", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void RunFor_ReconcilesEachMissedNightOnce_WhenGivenEachScheduledInstant()
    {
        var schedule = new NightlySchedule("30 10 * * *", Shanghai);
        var nights = Enumerable.Range(0, 3)
            .Select(d => DateTimeOffset.Parse("2026-11-21T10:30:00+08:00", System.Globalization.CultureInfo.InvariantCulture).AddDays(d));

        nights.Select(n => schedule.RunFor(n).Date).Should().Equal(
            new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 21), new DateOnly(2026, 11, 22));
    }

    [Fact]
    public void RunFor_CrossesTheYear_WhenScheduledOnNewYearsDay()
    {
        var schedule = new NightlySchedule("30 10 * * *", Shanghai);

        schedule.RunFor(DateTimeOffset.Parse("2027-01-01T10:30:00+08:00", System.Globalization.CultureInfo.InvariantCulture)).Date
            .Should().Be(new DateOnly(2026, 12, 31));
    }

    [Fact]
    public void IsOccurrence_TellsAScheduledInstantFromATriggerByHand()
    {
        var schedule = new NightlySchedule("30 10 * * *", Shanghai);
        var scheduled = DateTimeOffset.Parse("2026-11-21T10:30:00+08:00", System.Globalization.CultureInfo.InvariantCulture);

        schedule.IsOccurrence(scheduled).Should().BeTrue();
        schedule.IsOccurrence(scheduled.AddMinutes(7)).Should().BeFalse();
    }
}
