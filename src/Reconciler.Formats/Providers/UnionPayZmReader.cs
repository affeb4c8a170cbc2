using System.Globalization;
using System.Text.RegularExpressions;
using Reconciler.Core.Evidence;
using Reconciler.Core.Time;

namespace Reconciler.Formats.Providers;

/// <summary>
/// Reads UnionPay's 全渠道 merchant reconciliation file (<c>unionpay-zm</c>, the <c>INN{yyMMdd}88ZM_{merchant}</c> entry of
/// the downloaded zip): GBK fixed-width lines measured in bytes, amounts in fen, the year taken from the settle date.
/// </summary>
public sealed partial class UnionPayZmReader : IFormatReader
{
    public const string FormatName = "unionpay-zm";

    private const string Provider = "unionpay";
    private const string Currency = "CNY";

    /// <summary>How many leading fields recognition checks the layout of.</summary>
    private const int RecognisedFields = 10;

    public string Format => FormatName;

    public EvidenceKind Kind => EvidenceKind.Settlement;

    public bool Recognises(FileSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var head = sample.Head.Span;
        var lf = head.IndexOf((byte)'\n');
        var line = lf < 0 ? head : head[..lf];
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        return line.Length >= UnionPayZmLayout.MinimumLength
            && line[0] == (byte)'S'
            && char.IsAsciiDigit((char)line[1])
            && char.IsAsciiDigit((char)line[2])
            && UnionPayZmLayout.MisalignedField(line, RecognisedFields) is null
            && AllDigits(UnionPayZmLayout.Slice(line, UnionPayZmLayout.TransmissionTime))
            && AllDigits(UnionPayZmLayout.Slice(line, UnionPayZmLayout.Amount));
    }

    public IEnumerable<ParsedRow> Read(Stream content, ReadContext context)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        var source = context.SourceName;
        var settleDate = SettleDateOf(source) ?? throw new FileRejectedException(
            RejectionKind.Unreadable,
            $"{source}: the settle date is not in the file name, and a ZM line carries no year. Keep UnionPay's name " +
            "(name the file INNyyMMdd88ZM_<merchant>, as inside the downloaded zip) or put the settle date in it as yyyyMMdd.");
        context.Provider = Provider;
        context.PeriodStart = settleDate;
        context.PeriodEnd = settleDate;
        return ReadLines(content, source, settleDate);
    }

    /// <summary>The settle date a ZM file's name carries: <c>INN{yyMMdd}88ZM_...</c>, or any <c>yyyyMMdd</c>.</summary>
    internal static DateOnly? SettleDateOf(string sourceName)
    {
        var entryName = sourceName.Split('!', '/', '\\')[^1];
        foreach (var name in new[] { entryName, sourceName })
        {
            var inn = InnNamePattern().Match(name);
            if (inn.Success && DateOnly.TryParseExact(inn.Groups["date"].Value, "yyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date;
            }

            foreach (Match match in LongDatePattern().Matches(name))
            {
                if (DateOnly.TryParseExact(match.Value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var longDate))
                {
                    return longDate;
                }
            }
        }

        return null;
    }

    private static IEnumerable<ParsedRow> ReadLines(Stream content, string source, DateOnly settleDate)
    {
        foreach (var (number, bytes) in ByteLines.Read(content))
        {
            if (bytes.AsSpan().Trim((byte)' ').Length == 0)
            {
                continue;
            }

            yield return ReadLine(bytes, number, source, settleDate);
        }
    }

    private static ParsedRow ReadLine(byte[] bytes, long number, string source, DateOnly settleDate)
    {
        try
        {
            var line = bytes.AsSpan();
            if (line.Length < UnionPayZmLayout.MinimumLength)
            {
                throw new RowFormatException(
                    string.Empty,
                    FormattableString.Invariant($"is {line.Length} bytes long, shorter than the {UnionPayZmLayout.MinimumLength} bytes up to 商户代码"));
            }

            if (UnionPayZmLayout.MisalignedField(line, UnionPayZmLayout.MerchantId) is { } misaligned)
            {
                throw new RowFormatException(
                    UnionPayZmLayout.Fields[misaligned].Name,
                    FormattableString.Invariant(
                        $"no single space after it at byte {UnionPayZmLayout.Offsets[misaligned] + UnionPayZmLayout.Fields[misaligned].Width}; the line is not aligned to the ZM layout"));
            }

            var code = Text(line, UnionPayZmLayout.Code);
            var queryId = Required(line, UnionPayZmLayout.QueryId);
            var originalQueryId = Text(line, UnionPayZmLayout.OriginalQueryId);
            var amount = Fen(line, UnionPayZmLayout.Amount);
            var fee = Fen(line, UnionPayZmLayout.MerchantFee);
            var settled = Fen(line, UnionPayZmLayout.SettleAmount);
            var occurredAt = TransmissionTime(line, settleDate);
            var (entryType, txnId) = code switch
            {
                "S22" => (SettlementEntryType.Payment, queryId),
                "S30" => (SettlementEntryType.Refund, originalQueryId.Length > 0
                    ? originalQueryId
                    : throw new RowFormatException(UnionPayZmLayout.Fields[UnionPayZmLayout.OriginalQueryId].Name, "is empty on an S30 refund; it must name the purchase")),
                _ => (SettlementEntryType.Other, queryId),
            };
            var orderNo = Text(line, UnionPayZmLayout.OrderNo);
            var record = new SettlementRecord(
                Provider,
                entryType,
                txnId,
                queryId,
                orderNo.Length == 0 ? null : orderNo,
                amount,
                fee,
                settled,
                Currency,
                occurredAt,
                code);
            return new SettlementRow(number, record);
        }
        catch (RowFormatException ex)
        {
            return new QuarantinedRow(number, TextEncodings.Gbk.GetString(bytes), ex.Reason(source, number));
        }
    }

    private static string Text(ReadOnlySpan<byte> line, int field) =>
        TextEncodings.Gbk.GetString(UnionPayZmLayout.Slice(line, field)).Trim(' ', '\u3000');

    private static string Required(ReadOnlySpan<byte> line, int field)
    {
        var text = Text(line, field);
        return text.Length == 0 ? throw new RowFormatException(UnionPayZmLayout.Fields[field].Name, "is empty") : text;
    }

    /// <summary>An amount in fen, zero-padded, perhaps after a C/D/+/- sign character; returned unsigned in yuan.</summary>
    private static decimal Fen(ReadOnlySpan<byte> line, int field)
    {
        var text = Text(line, field);
        var digits = text.Length > 0 && text[0] is 'C' or 'D' or '+' or '-' ? text[1..].TrimStart() : text;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            throw new RowFormatException(UnionPayZmLayout.Fields[field].Name, $"'{text}' is not an amount in fen");
        }

        return decimal.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture) / 100m;
    }

    /// <summary>MMDDhhmmss in Beijing time; a month-day later than the settle date's belongs to the year before.</summary>
    private static DateTimeOffset TransmissionTime(ReadOnlySpan<byte> line, DateOnly settleDate)
    {
        var field = UnionPayZmLayout.Fields[UnionPayZmLayout.TransmissionTime].Name;
        var text = Text(line, UnionPayZmLayout.TransmissionTime);
        if (text.Length != 10 || !text.All(char.IsAsciiDigit))
        {
            throw new RowFormatException(field, $"'{text}' is not MMDDhhmmss");
        }

        var monthDay = int.Parse(text[..4], CultureInfo.InvariantCulture);
        var year = monthDay > (settleDate.Month * 100) + settleDate.Day ? settleDate.Year - 1 : settleDate.Year;
        if (!DateTime.TryParseExact(
                year.ToString("0000", CultureInfo.InvariantCulture) + text,
                "yyyyMMddHHmmss",
                CultureInfo.InvariantCulture,
                DateTimeStyles.None,
                out var wallClock))
        {
            throw new RowFormatException(field, $"'{text}' is not a date in {year.ToString(CultureInfo.InvariantCulture)}");
        }

        return BusinessCalendar.ToInstant(wallClock, Parsing.FieldParsing.Beijing);
    }

    private static bool AllDigits(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (!char.IsAsciiDigit((char)b))
            {
                return false;
            }
        }

        return bytes.Length > 0;
    }

    [GeneratedRegex(@"INN(?<date>\d{6})\d{2}ZM", RegexOptions.IgnoreCase)]
    private static partial Regex InnNamePattern();

    [GeneratedRegex(@"(?<!\d)20\d{6}(?!\d)")]
    private static partial Regex LongDatePattern();
}
