using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Reconciler.Core.Evidence;
using Reconciler.Formats.Parsing;

namespace Reconciler.Formats.Providers;

/// <summary>
/// Reads a WeChat Pay v2 trade bill (<c>wechat-bill</c>, bill types ALL, SUCCESS and REFUND) and checks its rows
/// against the summary row at its end.
/// </summary>
/// <remarks>
/// Not read through CsvHelper: the bill has no quoting at all and every value carries a leading backtick, so a
/// plain split is exact, while an RFC 4180 reader would misread a stray quote in a product name.
/// </remarks>
public sealed partial class WeChatBillReader : IFormatReader
{
    private const string TimeColumn = "交易时间";
    private const string TxnIdColumn = "微信订单号";
    private const string OrderNoColumn = "商户订单号";
    private const string StatusColumn = "交易状态";
    private const string SettledColumn = "应结订单金额";
    private const string LegacySettledColumn = "总金额";
    private const string RefundIdColumn = "微信退款单号";
    private const string RefundAmountColumn = "退款金额";
    private const string RefundStatusColumn = "退款状态";
    private const string RefundSucceededAtColumn = "退款成功时间";
    private const string FeeColumn = "手续费";
    private const string CurrencyColumn = "货币种类";
    private const string SummaryCountColumn = "总交易单数";
    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss";

    // The XML body of a failed download is tiny; a cap keeps a runaway file from being read whole.
    private const int MaxErrorBodyChars = 64 * 1024;

    private static readonly string[] s_summarySettledColumns = ["应结订单总金额", "总交易额"];
    private static readonly string[] s_summaryRefundColumns = ["退款总金额", "总退款金额"];

    public string Format => "wechat-bill";

    public EvidenceKind Kind => EvidenceKind.Settlement;

    public bool Recognises(FileSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var first = sample.FirstUtf8Line.TrimStart('\uFEFF');
        return IsErrorBody(first)
            || (first.Contains(TimeColumn, StringComparison.Ordinal)
                && first.Contains(TxnIdColumn, StringComparison.Ordinal)
                && first.Contains(OrderNoColumn, StringComparison.Ordinal));
    }

    public IEnumerable<ParsedRow> Read(Stream content, ReadContext context)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        return ReadBill(content, context);
    }

    private static IEnumerable<ParsedRow> ReadBill(Stream content, ReadContext context)
    {
        var source = context.SourceName;
        context.Provider = "wechat";
        var date = FieldParsing.DateInFileName(source);
        context.PeriodStart = date;
        context.PeriodEnd = date;

        using var text = new StreamReader(content, TextEncodings.Utf8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        long lineNumber = 0;
        string? headerLine;
        do
        {
            headerLine = text.ReadLine();
            lineNumber++;
        }
        while (headerLine is not null && headerLine.Trim().Length == 0);

        if (headerLine is null)
        {
            throw new FileRejectedException(RejectionKind.Unreadable, $"{source}: the file is empty; a WeChat Pay bill header was expected.");
        }

        headerLine = headerLine.TrimStart('\uFEFF');
        if (IsErrorBody(headerLine))
        {
            throw ErrorBodyRejection(source, headerLine, text);
        }

        var bill = BillLayout.FromHeader(source, headerLine);
        var totals = new RowTotals();
        Summary? summary = null;
        string? line;
        while ((line = text.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            if (summary is not null)
            {
                throw new FileRejectedException(
                    RejectionKind.Unreadable,
                    $"{source} line {lineNumber}: text after the summary row; the whole file was rejected. Download the bill again.");
            }

            if (line.StartsWith(SummaryCountColumn, StringComparison.Ordinal))
            {
                summary = ReadSummary(source, line, text, ref lineNumber);
                context.ControlSummary = summary.Describe();
                continue;
            }

            var fields = SplitValues(line);
            totals.Add(bill, fields);
            yield return bill.Map(source, lineNumber, line, fields);
        }

        CheckControls(source, summary, totals);
    }

    private static Summary ReadSummary(string source, string headerLine, StreamReader text, ref long lineNumber)
    {
        var headerNumber = lineNumber;
        string? valuesLine;
        do
        {
            valuesLine = text.ReadLine();
            lineNumber++;
        }
        while (valuesLine is not null && valuesLine.Trim().Length == 0);

        if (valuesLine is null)
        {
            throw new FileRejectedException(
                RejectionKind.ControlTotals,
                $"{source} line {headerNumber}: the summary header has no summary row after it — truncated download? the whole file was rejected");
        }

        var names = headerLine.Split(',').Select(n => n.Trim()).ToList();
        var values = SplitValues(valuesLine);
        string? Value(params string[] candidates)
        {
            var index = names.FindIndex(candidates.Contains);
            return index >= 0 && index < values.Length ? values[index] : null;
        }

        var count = Value(SummaryCountColumn);
        var settled = Value(s_summarySettledColumns);
        var refunded = Value(s_summaryRefundColumns);
        var fees = Value("手续费总金额");
        if (count is null || !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var rows)
            || settled is null || !FieldParsing.TryDecimal(settled, out var settledTotal))
        {
            throw new FileRejectedException(
                RejectionKind.ControlTotals,
                $"{source} line {lineNumber}: the summary row '{valuesLine}' does not give {SummaryCountColumn} and " +
                $"{string.Join(" or ", s_summarySettledColumns)} as numbers; the whole file was rejected");
        }

        decimal? refundTotal = refunded is not null && FieldParsing.TryDecimal(refunded, out var r) ? r : null;
        decimal? feeTotal = fees is not null && FieldParsing.TryDecimal(fees, out var f) ? f : null;
        return new Summary(rows, settledTotal, refundTotal, feeTotal);
    }

    private static void CheckControls(string source, Summary? summary, RowTotals totals)
    {
        if (summary is null)
        {
            throw new FileRejectedException(
                RejectionKind.ControlTotals,
                $"{source}: no summary row ({SummaryCountColumn}) after {totals.Rows} rows / {Money(totals.Settled)} — " +
                "truncated download? the whole file was rejected");
        }

        var refundsDisagree = summary.Refunded is { } refunded && refunded != totals.Refunded;
        if (summary.Rows == totals.Rows && summary.Settled == totals.Settled && !refundsDisagree)
        {
            return;
        }

        var stated = $"{summary.Rows} rows / {Money(summary.Settled)}";
        var found = $"{totals.Rows} rows / {Money(totals.Settled)}";
        if (refundsDisagree)
        {
            stated += $" / refunded {Money(summary.Refunded!.Value)}";
            found += $" / refunded {Money(totals.Refunded)}";
        }

        throw new FileRejectedException(
            RejectionKind.ControlTotals,
            $"{source}: summary says {stated} but the file holds {found} — truncated download? the whole file was rejected");
    }

    private static FileRejectedException ErrorBodyRejection(string source, string firstLine, StreamReader text)
    {
        var body = new StringBuilder(firstLine);
        var buffer = new char[4096];
        int read;
        while (body.Length < MaxErrorBodyChars && (read = text.Read(buffer, 0, buffer.Length)) > 0)
        {
            body.Append(buffer, 0, read);
        }

        var xml = body.ToString();
        var match = ReturnMessage().Match(xml);
        var message = match.Success ? match.Groups["msg"].Value.Trim() : "no return_msg";
        if (message.Contains("No Bill Exist", StringComparison.OrdinalIgnoreCase))
        {
            return new FileRejectedException(
                RejectionKind.NoBill,
                $"{source}: WeChat Pay says there is no bill for that date ({message})");
        }

        return new FileRejectedException(
            RejectionKind.Unreadable,
            $"{source}: WeChat Pay sent an error instead of a bill ({message}); download the bill again.");
    }

    private static bool IsErrorBody(string firstLine)
    {
        var trimmed = firstLine.TrimStart();
        return trimmed.StartsWith("<xml>", StringComparison.OrdinalIgnoreCase)
            && trimmed.Contains("<return_code>", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Splits a bill line and takes exactly one leading backtick off each value.</summary>
    /// <remarks>
    /// Each value is cut from the line once, trimmed and without its backtick (split first, every backticked value was a
    /// string twice: a bill's values all are).
    /// </remarks>
    internal static string[] SplitValues(string line)
    {
        var values = new string[line.AsSpan().Count(',') + 1];
        var start = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var end = i == values.Length - 1 ? line.Length : line.IndexOf(',', start);
            var value = line.AsSpan(start, end - start).Trim();
            values[i] = (value.Length > 0 && value[0] == '`' ? value[1..] : value).ToString();
            start = end + 1;
        }

        return values;
    }

    private static string Money(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"<return_msg>\s*(<!\[CDATA\[)?(?<msg>.*?)(\]\]>)?\s*</return_msg>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ReturnMessage();

    private sealed record Summary(int Rows, decimal Settled, decimal? Refunded, decimal? Fees)
    {
        public string Describe()
        {
            var text = $"{Rows} rows, settled {Money(Settled)}";
            if (Refunded is { } refunded)
            {
                text += $", refunded {Money(refunded)}";
            }

            if (Fees is { } fees)
            {
                text += $", fees {Money(fees)}";
            }

            return text;
        }
    }

    /// <summary>What the data rows add up to, read independently of whether a row could be imported.</summary>
    private sealed class RowTotals
    {
        public int Rows { get; private set; }

        public decimal Settled { get; private set; }

        public decimal Refunded { get; private set; }

        public void Add(BillLayout bill, string[] fields)
        {
            Rows++;
            if (bill.Value(fields, bill.AmountColumn) is { } settled && FieldParsing.TryDecimal(settled, out var s))
            {
                Settled += s;
            }

            if (bill.Value(fields, RefundAmountColumn) is { } refunded && FieldParsing.TryDecimal(refunded, out var r))
            {
                Refunded += r;
            }
        }
    }

    /// <summary>The columns of one bill, found by header name (their order differs between bill types and layouts).</summary>
    private sealed class BillLayout
    {
        private readonly Dictionary<string, int> _columns;
        private readonly int _count;

        private BillLayout(Dictionary<string, int> columns, int count, string settledColumn)
        {
            _columns = columns;
            _count = count;
            AmountColumn = settledColumn;
        }

        /// <summary>应结订单金额, or 总金额 in the legacy layout.</summary>
        public string AmountColumn { get; }

        public static BillLayout FromHeader(string source, string headerLine)
        {
            var names = headerLine.Split(',').Select(n => n.Trim()).ToList();
            var columns = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < names.Count; i++)
            {
                columns.TryAdd(names[i], i);
            }

            var settled = columns.ContainsKey(SettledColumn) ? SettledColumn : LegacySettledColumn;
            var missing = new[] { TimeColumn, TxnIdColumn, OrderNoColumn, StatusColumn }
                .Where(c => !columns.ContainsKey(c))
                .ToList();
            if (!columns.ContainsKey(settled))
            {
                missing.Add($"{SettledColumn} (or {LegacySettledColumn})");
            }

            if (missing.Count > 0)
            {
                throw new FileRejectedException(
                    RejectionKind.Unreadable,
                    $"{source}: the bill header lacks the column(s) {string.Join(", ", missing)}; found {string.Join(", ", names)}.");
            }

            return new BillLayout(columns, names.Count, settled);
        }

        public string? Value(string[] fields, string column) =>
            _columns.TryGetValue(column, out var index) && index < fields.Length ? fields[index] : null;

        public ParsedRow Map(string source, long lineNumber, string line, string[] fields)
        {
            if (fields.Length != _count)
            {
                return new QuarantinedRow(lineNumber, line, $"{source} line {lineNumber}: expected {_count} fields, found {fields.Length}");
            }

            try
            {
                return new SettlementRow(lineNumber, ToRecord(fields));
            }
            catch (FormatException ex)
            {
                return new QuarantinedRow(lineNumber, line, $"{source} line {lineNumber}, {ex.Message}");
            }
        }

        private SettlementRecord ToRecord(string[] fields)
        {
            string Get(string column) => Value(fields, column) ?? string.Empty;

            var status = FieldParsing.Required(StatusColumn, Get(StatusColumn));
            var txnId = FieldParsing.Required(TxnIdColumn, Get(TxnIdColumn));
            var occurredAt = FieldParsing.WallClock(TimeColumn, Get(TimeColumn), TimeFormat, FieldParsing.Beijing);
            var fee = FieldParsing.OptionalDecimal(FeeColumn, Get(FeeColumn));
            var currency = Get(CurrencyColumn) is { Length: > 0 } c ? c.ToUpperInvariant() : "CNY";
            var orderNo = Get(OrderNoColumn) is { Length: > 0 } o ? o : null;

            SettlementEntryType type;
            string entryRef;
            decimal gross;
            switch (status.ToUpperInvariant())
            {
                case "SUCCESS":
                    type = SettlementEntryType.Payment;
                    entryRef = txnId;
                    gross = FieldParsing.NonNegativeDecimal(AmountColumn, Get(AmountColumn));
                    break;
                case "REFUND":
                    if (!_columns.ContainsKey(RefundAmountColumn) || !_columns.ContainsKey(RefundIdColumn))
                    {
                        throw new FormatException($"field {StatusColumn}: a REFUND row in a bill without {RefundIdColumn} and {RefundAmountColumn} columns");
                    }

                    type = SettlementEntryType.Refund;
                    entryRef = FieldParsing.Required(RefundIdColumn, Get(RefundIdColumn));
                    gross = Math.Abs(FieldParsing.Decimal(RefundAmountColumn, Get(RefundAmountColumn)));

                    // A REFUND bill keeps the original payment's time in 交易时间; the refund happened when it succeeded.
                    if (Get(RefundSucceededAtColumn) is { Length: > 0 } refundedAt)
                    {
                        occurredAt = FieldParsing.WallClock(RefundSucceededAtColumn, refundedAt, TimeFormat, FieldParsing.Beijing);
                    }

                    break;
                case "REVOKED":
                    type = SettlementEntryType.Other;
                    entryRef = txnId;
                    gross = Math.Abs(FieldParsing.Decimal(AmountColumn, Get(AmountColumn)));
                    break;
                default:
                    throw new FormatException($"field {StatusColumn}: '{status}' is not one of SUCCESS, REFUND, REVOKED");
            }

            // Net is the unsigned money the line moves after the fee: the fee is kept back on a payment and
            // handed back (as a negative fee) on a refund, so either way it shrinks what moves.
            decimal? net = fee is { } f ? gross - Math.Abs(f) : null;
            var providerStatus = type == SettlementEntryType.Refund && Get(RefundStatusColumn) is { Length: > 0 } refundStatus
                ? $"{status}/{refundStatus}"
                : status;
            return new SettlementRecord("wechat", type, txnId, entryRef, orderNo, gross, fee, net, currency, occurredAt, providerStatus);
        }
    }
}
