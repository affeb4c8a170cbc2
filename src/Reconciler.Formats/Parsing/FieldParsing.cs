using System.Globalization;
using System.Text.RegularExpressions;
using Reconciler.Core.Time;

namespace Reconciler.Formats.Parsing;

/// <summary>
/// Parses single cell values; a value that does not fit throws <see cref="FormatException"/> whose message names
/// the field and the value, so the caller can quarantine the line with it.
/// </summary>
internal static partial class FieldParsing
{
    internal static readonly string[] OffsetFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF'Z'",
    ];

    private static readonly Lazy<TimeZoneInfo> s_beijing = new(() => BusinessCalendar.FindZone(BusinessCalendar.BeijingZoneId));

    public static TimeZoneInfo Beijing => s_beijing.Value;

    public static string Required(string field, string value) =>
        value.Length > 0 ? value : throw new FormatException($"field {field}: is empty");

    public static int PositiveInt(string field, string value)
    {
        Required(field, value);
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            throw new FormatException($"field {field}: '{value}' is not a whole number");
        }

        return number > 0 ? number : throw new FormatException($"field {field}: {value} is not greater than 0");
    }

    public static decimal Decimal(string field, string value)
    {
        Required(field, value);
        return TryDecimal(value, out var number)
            ? number
            : throw new FormatException($"field {field}: '{value}' is not a decimal number");
    }

    public static decimal NonNegativeDecimal(string field, string value)
    {
        var number = Decimal(field, value);
        return number >= 0 ? number : throw new FormatException($"field {field}: {value} is negative");
    }

    public static decimal? OptionalDecimal(string field, string value) =>
        value.Length == 0 ? null : Decimal(field, value);

    /// <summary>Thousands separators and exponents are refused: a money cell holding them was mangled somewhere.</summary>
    public static bool TryDecimal(string value, out decimal number) =>
        PlainDecimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, out number);

    /// <summary>An ISO 8601 time that must carry its UTC offset; returned in UTC.</summary>
    public static DateTimeOffset OffsetTime(string field, string value)
    {
        Required(field, value);
        if (TryOffsetTime(value, out var time))
        {
            return time;
        }

        if (WithoutOffset().IsMatch(value))
        {
            throw new FormatException(
                $"field {field}: '{value}' has no UTC offset (expected ISO 8601 with offset, e.g. 2026-11-18T00:19:11+08:00)");
        }

        throw new FormatException($"field {field}: '{value}' is not an ISO 8601 time with offset");
    }

    public static bool TryOffsetTime(string value, out DateTimeOffset time)
    {
        if (FixedLayoutTime.TryIsoOffset(value, out time))
        {
            return true;
        }

        var parsed = DateTimeOffset.TryParseExact(
            value, OffsetFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
        time = time.ToUniversalTime();
        return parsed;
    }

    public static DateTimeOffset? OptionalOffsetTime(string field, string value) =>
        value.Length == 0 ? null : OffsetTime(field, value);

    /// <summary>A wall-clock time without offset, read in <paramref name="zone"/>; returned in UTC.</summary>
    public static DateTimeOffset WallClock(string field, string value, string format, TimeZoneInfo zone)
    {
        Required(field, value);
        if (!FixedLayoutTime.TryWallClock(value, format, out var wallClock) &&
            !DateTime.TryParseExact(value, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out wallClock))
        {
            throw new FormatException($"field {field}: '{value}' is not a time of the form {format}");
        }

        return BusinessCalendar.ToInstant(wallClock, zone);
    }

    /// <summary>The first <c>yyyyMMdd</c> date standing alone in a file name (<c>1900000109_20261118_all.csv</c>).</summary>
    public static DateOnly? DateInFileName(string sourceName)
    {
        foreach (Match match in EightDigits().Matches(Path.GetFileName(sourceName)))
        {
            if (DateOnly.TryParseExact(match.Value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date;
            }
        }

        return null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")]
    private static partial Regex WithoutOffset();

    [GeneratedRegex(@"(?<!\d)\d{8}(?!\d)")]
    private static partial Regex EightDigits();
}
