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
}
