using Reconciler.Core.Time;

namespace Reconciler.Core.Tests.Time;

public class BusinessCalendarTests
{
    private static readonly BusinessCalendar Beijing = new("Asia/Shanghai");

    private static readonly BusinessCalendar Amsterdam = new("Europe/Amsterdam");

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    [Fact]
    public void StartOf_IsFourPmUtcTheDayBefore_WhenTheZoneIsShanghai()
    {
        var start = Beijing.StartOf(new DateOnly(2026, 11, 18));

        start.Should().Be(Utc(2026, 11, 17, 16));
        start.Offset.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void EndOf_IsTheNextDaysStart_WhenTheZoneIsShanghai()
    {
        var date = new DateOnly(2026, 11, 18);

        Beijing.EndOf(date).Should().Be(Utc(2026, 11, 18, 16));
        Beijing.EndOf(date).Should().Be(Beijing.StartOf(date.AddDays(1)));
        (Beijing.EndOf(date) - Beijing.StartOf(date)).Should().Be(TimeSpan.FromHours(24));
    }

    [Fact]
    public void DateOf_PutsTheStartInTheDayAndTheEndInTheNext_WhenTheDayIsHalfOpen()
    {
        var date = new DateOnly(2026, 11, 18);

        Beijing.DateOf(Beijing.StartOf(date)).Should().Be(date);
        Beijing.DateOf(Beijing.EndOf(date).AddTicks(-1)).Should().Be(date);
        Beijing.DateOf(Beijing.EndOf(date)).Should().Be(new DateOnly(2026, 11, 19));
        Beijing.DateOf(Utc(2026, 11, 17, 15, 59, 59)).Should().Be(new DateOnly(2026, 11, 17));
    }

    [Fact]
    public void DateOf_IgnoresTheInstantsOwnOffset_WhenTheSameInstantIsWrittenInAnotherZone()
    {
        var lateEvening = new DateTimeOffset(2026, 11, 18, 1, 30, 0, TimeSpan.FromHours(9.5));

        Beijing.DateOf(lateEvening).Should().Be(new DateOnly(2026, 11, 18));
        Beijing.DateOf(new DateTimeOffset(2026, 11, 17, 10, 0, 0, TimeSpan.FromHours(-8))).Should().Be(new DateOnly(2026, 11, 18));
    }

    [Fact]
    public void StartOfAndEndOf_SpanTwentyThreeHours_WhenAmsterdamSpringsForward()
    {
        var date = new DateOnly(2026, 3, 29);

        Amsterdam.StartOf(date).Should().Be(Utc(2026, 3, 28, 23));
        Amsterdam.EndOf(date).Should().Be(Utc(2026, 3, 29, 22));
    }

    [Fact]
    public void StartOfAndEndOf_SpanTwentyFiveHours_WhenAmsterdamFallsBack()
    {
        var date = new DateOnly(2026, 10, 25);

        Amsterdam.StartOf(date).Should().Be(Utc(2026, 10, 24, 22));
        Amsterdam.EndOf(date).Should().Be(Utc(2026, 10, 25, 23));
    }

    [Fact]
    public void ToInstant_ReadsTheTimeWithTheOffsetBeforeTheGap_WhenTheTimeFallsInTheSpringForwardGap()
    {
        // 02:30 does not exist in Amsterdam on 2026-03-29; read with the offset before the gap (+01:00) it is 03:30 CEST.
        var act = () => BusinessCalendar.ToInstant(new DateTime(2026, 3, 29, 2, 30, 0), Amsterdam.Zone);

        act.Should().NotThrow().Which.Should().Be(Utc(2026, 3, 29, 1, 30));
    }

    [Fact]
    public void ToInstant_TakesTheStandardOffset_WhenTheTimeIsAmbiguousAtFallBack()
    {
        // 02:30 happens twice in Amsterdam on 2026-10-25 (CEST, then CET); the documented choice is CET, +01:00.
        var act = () => BusinessCalendar.ToInstant(new DateTime(2026, 10, 25, 2, 30, 0), Amsterdam.Zone);

        act.Should().NotThrow().Which.Should().Be(Utc(2026, 10, 25, 1, 30));
    }

    [Fact]
    public void DateOf_ReturnsTheLocalDate_WhenTheInstantFallsInTheRepeatedHour()
    {
        Amsterdam.DateOf(Utc(2026, 10, 25, 0, 30)).Should().Be(new DateOnly(2026, 10, 25));
        Amsterdam.DateOf(Utc(2026, 10, 25, 1, 30)).Should().Be(new DateOnly(2026, 10, 25));
        Amsterdam.DateOf(Utc(2026, 10, 24, 21, 59, 59)).Should().Be(new DateOnly(2026, 10, 24));
    }

    [Fact]
    public void ToInstant_IgnoresTheDateTimeKind_WhenGivenAUtcDateTime()
    {
        var wallClock = new DateTime(2026, 11, 18, 0, 0, 0, DateTimeKind.Utc);

        BusinessCalendar.ToInstant(wallClock, Beijing.Zone).Should().Be(Utc(2026, 11, 17, 16));
    }

    [Theory]
    [InlineData("Asia/Shanghai")]
    [InlineData("China Standard Time")]
    public void FindZone_ReturnsUtcPlusEightWithoutDaylightSaving_ForBeijingIds(string id)
    {
        var zone = BusinessCalendar.FindZone(id);

        zone.BaseUtcOffset.Should().Be(TimeSpan.FromHours(8));
        zone.GetUtcOffset(new DateTime(2026, 7, 1, 12, 0, 0)).Should().Be(TimeSpan.FromHours(8));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Constructor_Throws_WhenTheZoneIdIsBlank(string id)
    {
        var act = () => new BusinessCalendar(id);

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Constructor_Throws_WhenTheZoneIsUnknown()
    {
        var act = () => new BusinessCalendar("Mars/Olympus_Mons");

        act.Should().Throw<TimeZoneNotFoundException>();
    }

    [Fact]
    public void DateOf_GivesTheConversionsDate_AtTheEndsOfTheCalendar()
    {
        Beijing.DateOf(DateTimeOffset.MaxValue).Should().Be(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.MaxValue, Beijing.Zone).DateTime));
        var newYork = new BusinessCalendar("America/New_York");
        newYork.DateOf(DateTimeOffset.MinValue).Should().Be(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.MinValue, newYork.Zone).DateTime));
    }

    // The offsets are looked up once per minute and reused (BusinessCalendar.OffsetCache): every time of a walk second by
    // second through Amsterdam's clock changes, and through those of a zone whose clocks change half a minute past
    // midnight (so that a date turns back within a minute), converts as the zone's own rules say, read one after
    // another as the readers read them.
    public static TheoryData<string> Zones => new() { "Europe/Amsterdam", "Asia/Shanghai", "half-minute" };

    private static TimeZoneInfo ZoneNamed(string name) =>
        name == "half-minute"
            ? TimeZoneInfo.CreateCustomTimeZone(
                "half-minute", TimeSpan.FromHours(1), "half-minute", "standard", "summer",
                [
                    TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(
                        new DateTime(2000, 1, 1), new DateTime(2099, 12, 31), TimeSpan.FromHours(1),
                        TimeZoneInfo.TransitionTime.CreateFixedDateRule(new DateTime(1, 1, 1, 0, 0, 30), 3, 29),
                        TimeZoneInfo.TransitionTime.CreateFixedDateRule(new DateTime(1, 1, 1, 0, 0, 30), 10, 25)),
                ])
            : BusinessCalendar.FindZone(name);

    private static IEnumerable<DateTime> Seconds(DateTime from, DateTime to)
    {
        for (var at = from; at < to; at = at.AddSeconds(1))
        {
            yield return at;
            yield return at.AddTicks(TimeSpan.TicksPerSecond - 1);
        }
    }

    [Theory]
    [MemberData(nameof(Zones))]
    public void ToInstant_ConvertsEveryTimeAsTheZonesRulesSay_SecondAfterSecondThroughItsClockChanges(string name)
    {
        var zone = ZoneNamed(name);
        var times = Seconds(new DateTime(2026, 3, 28, 23, 30, 0), new DateTime(2026, 3, 29, 3, 30, 0))
            .Concat(Seconds(new DateTime(2026, 10, 24, 22, 30, 0), new DateTime(2026, 10, 25, 3, 30, 0)));
        // Each time and two later ones, in turn (a line's created and paid times; 16 minutes later shares a cache slot).
        foreach (var wallClock in times.SelectMany(t => new[] { t, t.AddMinutes(7), t.AddMinutes(16) }))
        {
            var offset = zone.IsInvalidTime(wallClock) ? zone.GetUtcOffset(wallClock.AddHours(-1)) : zone.GetUtcOffset(wallClock);
            var instant = BusinessCalendar.ToInstant(wallClock, zone);
            if (instant != new DateTimeOffset(wallClock, offset))
            {
                instant.Should().Be(new DateTimeOffset(wallClock, offset), "at {0:O}", wallClock);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Zones))]
    public void DateOf_GivesEveryInstantTheZonesLocalDate_SecondAfterSecondThroughItsClockChanges(string name)
    {
        var calendar = new BusinessCalendar(ZoneNamed(name));
        var times = Seconds(new DateTime(2026, 3, 28, 21, 30, 0, DateTimeKind.Utc), new DateTime(2026, 3, 29, 1, 30, 0, DateTimeKind.Utc))
            .Concat(Seconds(new DateTime(2026, 10, 24, 20, 30, 0, DateTimeKind.Utc), new DateTime(2026, 10, 25, 1, 30, 0, DateTimeKind.Utc)));
        foreach (var utc in times.SelectMany(t => new[] { t, t.AddMinutes(7), t.AddMinutes(16) }))
        {
            var instant = new DateTimeOffset(utc);
            var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, calendar.Zone).DateTime);
            if (calendar.DateOf(instant) != date)
            {
                calendar.DateOf(instant).Should().Be(date, "at {0:O}", utc);
            }
        }
    }
}
