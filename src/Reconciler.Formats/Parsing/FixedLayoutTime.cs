namespace Reconciler.Formats.Parsing;

/// <summary>
/// The time layouts every bundled reader meets on nearly every line (<c>yyyy-MM-dd HH:mm:ss</c> and its kin, ISO 8601
/// with an offset), read digit by digit. <see cref="DateTime.TryParseExact(string, string, IFormatProvider, System.Globalization.DateTimeStyles, out DateTime)"/>
/// interprets its format string on every call and matches literals through culture-aware comparison: 0.5 s per million
/// cells, against 0.02-0.03 s here (about 2 CPU-seconds of a million-order import). Each method here answers <c>true</c> only for text that the exact parse accepts, with
/// the same value (<c>FixedLayoutTimeTests</c> compare them on generated text), and <c>false</c> for anything else,
/// which the caller then hands to the exact parse: the fast path decides nothing on its own.
/// </summary>
internal static class FixedLayoutTime
{
    /// <summary>
    /// Reads <paramref name="text"/> in <paramref name="format"/> when the format is one of the fixed layouts
    /// (<c>yyyy-MM-dd HH:mm:ss</c>, <c>yyyy/MM/dd HH:mm:ss</c>, <c>yyyy-MM-dd'T'HH:mm:ss</c>, <c>yyyy-MM-dd HH:mm</c>)
    /// and the text is exactly in it; the result has <see cref="DateTimeKind.Unspecified"/>, as the exact parse gives.
    /// </summary>
    public static bool TryWallClock(ReadOnlySpan<char> text, string format, out DateTime value)
    {
        value = default;
        var (dateSeparator, timeSeparator, seconds) = format switch
        {
            "yyyy-MM-dd HH:mm:ss" => ('-', ' ', true),
            "yyyy/MM/dd HH:mm:ss" => ('/', ' ', true),
            "yyyy-MM-dd'T'HH:mm:ss" => ('-', 'T', true),
            "yyyy-MM-dd HH:mm" => ('-', ' ', false),
            _ => ('\0', '\0', false),
        };
        if (dateSeparator == '\0' || text.Length != (seconds ? 19 : 16))
        {
            return false;
        }

        if (!TryDateAndTime(text, dateSeparator, timeSeparator, timeSeparator, seconds, out var ticks))
        {
            return false;
        }

        value = new DateTime(ticks, DateTimeKind.Unspecified);
        return true;
    }

    /// <summary>
    /// Reads <c>yyyy-MM-ddTHH:mm:ss[.fffffff](+hh:mm|-hh:mm|Z)</c>, a space allowed for the <c>T</c>, and returns the
    /// instant in UTC: the layouts of <c>FieldParsing.TryOffsetTime</c>'s formats, without the other offset spellings
    /// those accept (they go to the exact parse).
    /// </summary>
    public static bool TryIsoOffset(ReadOnlySpan<char> text, out DateTimeOffset utc)
    {
        utc = default;
        if (text.Length < 20 || !TryDateAndTime(text[..19], '-', 'T', ' ', true, out var ticks))
        {
            return false;
        }

        var rest = text[19..];
        if (rest[0] == '.')
        {
            var digits = 0;
            long fraction = 0;
            while (digits + 1 < rest.Length && IsDigit(rest[digits + 1]))
            {
                fraction = (fraction * 10) + (rest[digits + 1] - '0');
                digits++;
            }

            if (digits is 0 or > 7)
            {
                return false;
            }

            for (var d = digits; d < 7; d++)
            {
                fraction *= 10;
            }

            ticks += fraction;
            rest = rest[(digits + 1)..];
        }

        TimeSpan offset;
        if (rest is "Z")
        {
            offset = TimeSpan.Zero;
        }
        else if (rest.Length == 6 && rest[0] is '+' or '-' && rest[3] == ':' &&
                 TryTwoDigits(rest, 1, out var hours) && TryTwoDigits(rest, 4, out var minutes) &&
                 minutes < 60 && (hours * 60) + minutes <= 14 * 60)
        {
            offset = new TimeSpan(hours, minutes, 0);
            if (rest[0] == '-')
            {
                offset = -offset;
            }
        }
        else
        {
            return false;
        }

        // An offset that carries the instant past either end of the calendar is refused, as by the exact parse.
        var utcTicks = ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        utc = new DateTimeOffset(utcTicks, TimeSpan.Zero);
        return true;
    }

    // yyyy?MM?dd?HH:mm[:ss] at the start of text, its length already checked.
    private static bool TryDateAndTime(
        ReadOnlySpan<char> text, char dateSeparator, char timeSeparator, char otherTimeSeparator, bool seconds, out long ticks)
    {
        ticks = 0;
        if (!TryTwoDigits(text, 0, out var century) || !TryTwoDigits(text, 2, out var yearOfCentury) ||
            text[4] != dateSeparator || !TryTwoDigits(text, 5, out var month) ||
            text[7] != dateSeparator || !TryTwoDigits(text, 8, out var day) ||
            (text[10] != timeSeparator && text[10] != otherTimeSeparator) ||
            !TryTwoDigits(text, 11, out var hour) || text[13] != ':' || !TryTwoDigits(text, 14, out var minute))
        {
            return false;
        }

        var second = 0;
        if (seconds && (text[16] != ':' || !TryTwoDigits(text, 17, out second)))
        {
            return false;
        }

        var year = (century * 100) + yearOfCentury;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) ||
            hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks;
        return true;
    }

    private static bool TryTwoDigits(ReadOnlySpan<char> text, int at, out int value)
    {
        value = 0;
        if (!IsDigit(text[at]) || !IsDigit(text[at + 1]))
        {
            return false;
        }

        value = ((text[at] - '0') * 10) + (text[at + 1] - '0');
        return true;
    }

    private static bool IsDigit(char c) => (uint)(c - '0') <= 9;
}
