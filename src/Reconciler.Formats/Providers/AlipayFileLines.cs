using System.Globalization;
using System.Text.RegularExpressions;

namespace Reconciler.Formats.Providers;

/// <summary>The <c>#</c> lines around Alipay's downloaded bills: the date range before the header, the totals after the data.</summary>
internal static partial class AlipayFileLines
{
    public const string Currency = "CNY";

    public const string Provider = "alipay";

    /// <summary>Sets the period from <c>#起始日期：[2026年11月18日 00:00:00]   终止日期：[2026年11月19日 00:00:00]</c>; the end is exclusive at midnight.</summary>
    public static void ReadPeriod(string line, ReadContext context)
    {
        var start = PeriodPattern("起始日期").Match(line);
        if (start.Success && ToDateTime(start) is { } from)
        {
            context.PeriodStart = DateOnly.FromDateTime(from);
        }

        var end = PeriodPattern("终止日期").Match(line);
        if (end.Success && ToDateTime(end) is { } to)
        {
            var date = DateOnly.FromDateTime(to);
            context.PeriodEnd = to.TimeOfDay == TimeSpan.Zero ? date.AddDays(-1) : date;
        }
    }

    /// <summary>Reads <c>#交易合计：17笔，商家实收共3151.90元</c>-style totals: the count and the first amount after the count.</summary>
    public static (int Count, decimal Amount)? ReadTotal(string line, string label)
    {
        var match = TotalPattern().Match(line);
        if (!match.Success || match.Groups["label"].Value != label)
        {
            return null;
        }

        var count = int.Parse(match.Groups["count"].Value, CultureInfo.InvariantCulture);
        var amount = decimal.Parse(match.Groups["amount"].Value.Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture);
        return (count, amount);
    }

    /// <summary>Splits a data line (no quoting in Alipay's files) and trims the TAB that follows ID cells.</summary>
    public static string[] SplitCells(string line) => [.. line.Split(',').Select(ProviderParsing.Clean)];

    private static Regex PeriodPattern(string label) => label == "起始日期" ? StartPattern() : EndPattern();

    private static DateTime? ToDateTime(Match match) =>
        DateTime.TryParseExact(
            $"{match.Groups["y"].Value}-{match.Groups["m"].Value}-{match.Groups["d"].Value} {match.Groups["t"].Value}",
            ["yyyy-M-d HH:mm:ss", "yyyy-M-d "],
            CultureInfo.InvariantCulture,
            DateTimeStyles.None,
            out var value)
            ? value
            : null;

    [GeneratedRegex(@"起始日期[：:]\s*\[?(?<y>\d{4})年(?<m>\d{1,2})月(?<d>\d{1,2})日\s*(?<t>\d{2}:\d{2}:\d{2})?")]
    private static partial Regex StartPattern();

    [GeneratedRegex(@"终止日期[：:]\s*\[?(?<y>\d{4})年(?<m>\d{1,2})月(?<d>\d{1,2})日\s*(?<t>\d{2}:\d{2}:\d{2})?")]
    private static partial Regex EndPattern();

    [GeneratedRegex(@"^#\s*(?<label>[^：:]+)[：:]\s*(?<count>\d+)\s*笔[，,][^0-9\-]*(?<amount>-?[\d,]*\.?\d+)\s*元")]
    private static partial Regex TotalPattern();
}
