using System.Globalization;
using Reconciler.Core.Time;
using Reconciler.Formats.Parsing;

namespace Reconciler.Formats.Providers;

/// <summary>Cell parsing shared by the provider readers: invariant culture, decimals for money, provider wall clocks to UTC.</summary>
internal static class ProviderParsing
{
    private const NumberStyles AmountStyles =
        NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite;

    /// <summary>Trims the spaces, TABs and quotes-free padding Chinese providers leave around cells.</summary>
    public static string Clean(string? cell) => (cell ?? string.Empty).Trim(' ', '\t', '\r', '\n', '\u3000');

    public static string? NullIfEmpty(string? cell)
    {
        var cleaned = Clean(cell);
        return cleaned.Length == 0 ? null : cleaned;
    }

    public static decimal Amount(string field, string? cell)
    {
        var text = Clean(cell);
        if (!Parsing.PlainDecimal.TryParse(text, AmountStyles, out var value))
        {
            throw new RowFormatException(field, text.Length == 0 ? "is empty, an amount is required" : $"'{text}' is not an amount");
        }

        return value;
    }

    /// <summary>An amount that may be left empty (read as null).</summary>
    public static decimal? OptionalAmount(string field, string? cell) =>
        Clean(cell).Length == 0 ? null : Amount(field, cell);

    public static DateTime WallClock(string field, string? cell, params string[] formats)
    {
        var text = Clean(cell);
        // The fixed layouts digit by digit first (FixedLayoutTime); the formats of one column never share a layout, so
        // the first that fits is the one the exact parse would pick.
        foreach (var format in formats)
        {
            if (FixedLayoutTime.TryWallClock(text, format, out var fast))
            {
                return fast;
            }
        }

        if (!DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            throw new RowFormatException(field, text.Length == 0 ? "is empty, a date and time is required" : $"'{text}' is not a date");
        }

        return value;
    }

    public static DateTimeOffset BeijingTime(string field, string? cell) =>
        BusinessCalendar.ToInstant(WallClock(field, cell, "yyyy-MM-dd HH:mm:ss", "yyyy/MM/dd HH:mm:ss", "yyyy-MM-dd HH:mm"), Parsing.FieldParsing.Beijing);

    public static string Required(string field, string? cell)
    {
        var text = Clean(cell);
        return text.Length == 0 ? throw new RowFormatException(field, "is empty") : text;
    }
}
