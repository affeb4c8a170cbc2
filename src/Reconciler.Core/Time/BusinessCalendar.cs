using System.Globalization;

namespace Reconciler.Core.Time;

/// <summary>Turns business dates of the configured zone into UTC instants and back.</summary>
public sealed class BusinessCalendar
{
    /// <summary>The zone every Chinese provider writes its times in.</summary>
    public const string BeijingZoneId = "Asia/Shanghai";

    public BusinessCalendar(string timeZoneId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(timeZoneId);
        Zone = FindZone(timeZoneId);
    }

    /// <summary>A calendar of <paramref name="zone"/> itself (a zone made in code, or one already found).</summary>
    public BusinessCalendar(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        Zone = zone;
    }

    public TimeZoneInfo Zone { get; }

    /// <summary>The instant business date <paramref name="date"/> starts at, in UTC.</summary>
    public DateTimeOffset StartOf(DateOnly date) => ToInstant(date.ToDateTime(TimeOnly.MinValue), Zone);

    /// <summary>The instant the day after <paramref name="date"/> starts at, in UTC.</summary>
    public DateTimeOffset EndOf(DateOnly date) => StartOf(date.AddDays(1));

    /// <summary>
    /// The business date <paramref name="instant"/> falls on. A run asks this of every order it looks at, in the order
    /// of their numbers, so mostly minute after minute of one day: the zone's offset is looked up once per minute of UTC
    /// (<see cref="OffsetCache"/>), where each lookup searched the zone's adjustment rules.
    /// </summary>
    public DateOnly DateOf(DateTimeOffset instant)
    {
        var utc = instant.UtcDateTime;
        var local = utc.Ticks + OffsetCache.Of(Zone, utc, fromUtc: true).Ticks;
        // At the ends of the calendar the conversion clamps (a mangled file's year 9999 must not fail the run).
        return local >= DateTime.MinValue.Ticks && local <= DateTime.MaxValue.Ticks
            ? DateOnly.FromDateTime(new DateTime(local))
            : DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);
    }

    /// <summary>
    /// Reads a wall-clock time of <paramref name="zone"/> as a UTC instant. A time skipped by a clock change is read
    /// with the offset before the change (02:30 on a spring-forward night is 03:30 summer time); a repeated time takes
    /// the standard offset.
    /// </summary>
    public static DateTimeOffset ToInstant(DateTime wallClock, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var unspecified = DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified);
        // Once per minute of wall-clock time (OffsetCache): the readers convert a file's times one line after another,
        // and each conversion searched the zone's adjustment rules twice (1.2 % of the machine's samples in a 1 M run).
        var offset = OffsetCache.Of(zone, unspecified, fromUtc: false);
        return new DateTimeOffset(unspecified, offset).ToUniversalTime();
    }

    private static TimeSpan WallClockOffset(TimeZoneInfo zone, DateTime unspecified) =>
        zone.IsInvalidTime(unspecified) ? zone.GetUtcOffset(unspecified.AddHours(-1)) : zone.GetUtcOffset(unspecified);

    /// <summary>
    /// The offsets of the minutes a thread looked up last, per direction (UTC or wall clock), reused for every time within
    /// them: sixteen slots, a minute's slot by its number, so that a line's two times (created and paid, say) a few
    /// minutes apart do not evict each other. A minute is kept only when its first and last tick have the offset its
    /// time had: a clock change inside a minute (none since the 1970s, but old zone data has some) leaves it uncached,
    /// and each time there is looked up.
    /// </summary>
    private static class OffsetCache
    {
        private const int Slots = 16;

        [ThreadStatic]
        private static Entry?[]? t_utc;

        [ThreadStatic]
        private static Entry?[]? t_wallClock;

        public static TimeSpan Of(TimeZoneInfo zone, DateTime at, bool fromUtc)
        {
            var minute = at.Ticks / TimeSpan.TicksPerMinute;
            var slots = fromUtc ? t_utc ??= new Entry?[Slots] : t_wallClock ??= new Entry?[Slots];
            var slot = (int)(minute % Slots);
            if (slots[slot] is { } last && last.Minute == minute && ReferenceEquals(last.Zone, zone))
            {
                return last.Offset;
            }

            var offset = LookUp(zone, at, fromUtc);
            var first = new DateTime(minute * TimeSpan.TicksPerMinute, at.Kind);
            if (minute < DateTime.MaxValue.Ticks / TimeSpan.TicksPerMinute
                && LookUp(zone, first, fromUtc) == offset
                && LookUp(zone, first.AddTicks(TimeSpan.TicksPerMinute - 1), fromUtc) == offset)
            {
                slots[slot] = new Entry(zone, minute, offset);
            }

            return offset;
        }

        private static TimeSpan LookUp(TimeZoneInfo zone, DateTime at, bool fromUtc) =>
            fromUtc ? zone.GetUtcOffset(at) : WallClockOffset(zone, at);

        private sealed record Entry(TimeZoneInfo Zone, long Minute, TimeSpan Offset);
    }

    /// <summary>Reads a business date written <c>yyyy-MM-dd</c> (surrounding spaces allowed), as every input of ours takes it.</summary>
    public static bool TryParseDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>Reads an ISO 8601 instant; one without an offset is wall-clock time of <paramref name="zone"/>.</summary>
    public static bool TryParseInstant(string? text, TimeZoneInfo zone, out DateTimeOffset instant)
    {
        instant = default;
        if (string.IsNullOrWhiteSpace(text) ||
            !DateTime.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed))
        {
            return false;
        }

        instant = parsed.Kind == DateTimeKind.Unspecified
            ? ToInstant(parsed, zone)
            : DateTimeOffset.Parse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime();
        return true;
    }

    /// <summary>
    /// Finds a zone by IANA or Windows id. China has kept UTC+8 without daylight saving since 1991, so a machine
    /// without tzdata still gets Beijing time right.
    /// </summary>
    public static TimeZoneInfo FindZone(string timeZoneId)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(timeZoneId);
        }
        catch (TimeZoneNotFoundException) when (timeZoneId is BeijingZoneId or "China Standard Time")
        {
            return TimeZoneInfo.CreateCustomTimeZone(BeijingZoneId, TimeSpan.FromHours(8), "Beijing", "Beijing");
        }
    }
}
