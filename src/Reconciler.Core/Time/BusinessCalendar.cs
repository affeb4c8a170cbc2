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

    public TimeZoneInfo Zone { get; }

    /// <summary>The instant business date <paramref name="date"/> starts at, in UTC.</summary>
    public DateTimeOffset StartOf(DateOnly date) => ToInstant(date.ToDateTime(TimeOnly.MinValue), Zone);

    /// <summary>The instant the day after <paramref name="date"/> starts at, in UTC.</summary>
    public DateTimeOffset EndOf(DateOnly date) => StartOf(date.AddDays(1));

    public DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>
    /// Reads a wall-clock time of <paramref name="zone"/> as a UTC instant. A time skipped by a clock change is read
    /// with the offset before the change (02:30 on a spring-forward night is 03:30 summer time); a repeated time takes
    /// the standard offset.
    /// </summary>
    public static DateTimeOffset ToInstant(DateTime wallClock, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var unspecified = DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified);
        var offset = zone.IsInvalidTime(unspecified)
            ? zone.GetUtcOffset(unspecified.AddHours(-1))
            : zone.GetUtcOffset(unspecified);
        return new DateTimeOffset(unspecified, offset).ToUniversalTime();
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
