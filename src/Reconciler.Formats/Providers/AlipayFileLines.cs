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

    /// <summary>
    /// Walks a GBK Alipay download: blank lines skipped; every <c>#</c> line handed to <paramref name="onComment"/> (and,
    /// before the header, read for the period); the first other line is the header, which must hold
    /// <paramref name="requiredColumns"/>; every data line after it is yielded with the header. A file without a header
    /// is rejected. <paramref name="fileKind"/> (业务明细, 账务明细) and <paramref name="headerHint"/> name it in messages.
    /// </summary>
    public static IEnumerable<(HeaderMap Header, string Line, long Number)> DataLines(
        Stream content, ReadContext context, IReadOnlyCollection<string> requiredColumns, string fileKind, string headerHint,
        Action<string> onComment)
    {
        var source = context.SourceName;
        HeaderMap? header = null;
        // Decoded into one buffer, then copied into the line's string: GetString counts a GBK line's characters in one
        // pass and decodes them in another.
        var chars = Array.Empty<char>();
        foreach (var (number, bytes) in ByteLines.Read(content))
        {
            var most = TextEncodings.Gbk.GetMaxCharCount(bytes.Length);
            if (chars.Length < most)
            {
                chars = new char[Math.Max(most, 2 * chars.Length)];
            }

            var line = new string(chars, 0, TextEncodings.Gbk.GetChars(bytes, chars));
            if (line.Trim().Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                if (header is null)
                {
                    ReadPeriod(line, context);
                }

                onComment(line);
                continue;
            }

            if (header is null)
            {
                header = new HeaderMap(SplitCells(line));
                var missing = header.Missing(requiredColumns);
                if (missing.Count > 0)
                {
                    throw new FileRejectedException(
                        RejectionKind.Unreadable,
                        $"{source} line {number}: the header lacks column(s) {string.Join(", ", missing)}; is this an Alipay {fileKind} file?");
                }

                continue;
            }

            yield return (header, line, number);
        }

        if (header is null)
        {
            throw new FileRejectedException(RejectionKind.Unreadable, $"{source}: no header row ({headerHint},...) was found.");
        }
    }

    /// <summary>Splits a data line (no quoting in Alipay's files) and trims the TAB that follows ID cells.</summary>
    public static string[] SplitCells(string line)
    {
        var cells = line.Split(',');
        for (var i = 0; i < cells.Length; i++)
        {
            cells[i] = ProviderParsing.Clean(cells[i]);
        }

        return cells;
    }

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
