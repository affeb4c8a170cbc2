using Reconciler.Core.Time;

namespace Reconciler.Formats.Providers;

/// <summary>
/// Reads the TimeZone column of Adyen's reports: an abbreviation names a fixed offset (CET is +1 even in July, CEST +2),
/// anything else is tried as an IANA or Windows zone id.
/// </summary>
internal static class AdyenTimeZones
{
    private static readonly Dictionary<string, TimeSpan> _abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UTC"] = TimeSpan.Zero,
        ["GMT"] = TimeSpan.Zero,
        ["WET"] = TimeSpan.Zero,
        ["WEST"] = TimeSpan.FromHours(1),
        ["BST"] = TimeSpan.FromHours(1),
        ["CET"] = TimeSpan.FromHours(1),
        ["CEST"] = TimeSpan.FromHours(2),
        ["EET"] = TimeSpan.FromHours(2),
        ["EEST"] = TimeSpan.FromHours(3),
        ["PST"] = TimeSpan.FromHours(-8),
        ["PDT"] = TimeSpan.FromHours(-7),
        ["EST"] = TimeSpan.FromHours(-5),
        ["EDT"] = TimeSpan.FromHours(-4),
        ["HKT"] = TimeSpan.FromHours(8),
        ["SGT"] = TimeSpan.FromHours(8),
        ["AEST"] = TimeSpan.FromHours(10),
        ["AEDT"] = TimeSpan.FromHours(11),
    };

    /// <summary>The UTC instant of <paramref name="wallClock"/> in <paramref name="zone"/>, or null when the zone is unknown.</summary>
    public static DateTimeOffset? ToInstant(DateTime wallClock, string zone)
    {
        var unspecified = DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified);
        if (_abbreviations.TryGetValue(zone, out var offset))
        {
            return new DateTimeOffset(unspecified, offset).ToUniversalTime();
        }

        if (zone.Length == 0)
        {
            return null;
        }

        try
        {
            return BusinessCalendar.ToInstant(unspecified, BusinessCalendar.FindZone(zone));
        }
        catch (TimeZoneNotFoundException)
        {
            return null;
        }
        catch (InvalidTimeZoneException)
        {
            return null;
        }
    }
}
