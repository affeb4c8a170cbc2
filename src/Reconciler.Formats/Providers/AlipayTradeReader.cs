using Reconciler.Core.Evidence;

namespace Reconciler.Formats.Providers;

/// <summary>
/// Reads Alipay's business detail download (业务明细, <c>alipay-trade</c>): GBK, comma separated without quoting, <c>#</c>
/// lines around the data, and a footer whose 交易合计 / 退款合计 counts and sums must match the rows.
/// </summary>
public sealed class AlipayTradeReader : IFormatReader
{
    public const string FormatName = "alipay-trade";

    private const string TxnIdColumn = "支付宝交易号";
    private const string OrderNoColumn = "商户订单号";
    private const string BusinessTypeColumn = "业务类型";
    private const string CreatedColumn = "创建时间";
    private const string FinishedColumn = "完成时间";
    private const string ReceivedColumn = "商家实收（元）";
    private const string FeeColumn = "服务费（元）";
    private const string RefundRefColumn = "退款批次号/请求号";
    private const string PaymentType = "交易";
    private const string RefundType = "退款";

    private static readonly string[] _requiredColumns =
        [TxnIdColumn, OrderNoColumn, BusinessTypeColumn, CreatedColumn, FinishedColumn, ReceivedColumn, FeeColumn];

    public string Format => FormatName;

    public EvidenceKind Kind => EvidenceKind.Settlement;

    public bool Recognises(FileSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var text = sample.GbkText;
        if (text.Contains("#支付宝业务明细查询", StringComparison.Ordinal))
        {
            return true;
        }

        return text.Split('\n').Any(line =>
            !line.StartsWith('#')
            && line.Contains(TxnIdColumn, StringComparison.Ordinal)
            && line.Contains(BusinessTypeColumn, StringComparison.Ordinal));
    }

    public IEnumerable<ParsedRow> Read(Stream content, ReadContext context)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        context.Provider = AlipayFileLines.Provider;
        var source = context.SourceName;
        (int Count, decimal Amount)? declaredPayments = null;
        (int Count, decimal Amount)? declaredRefunds = null;
        var payments = new Tally();
        var refunds = new Tally();
        var lines = AlipayFileLines.DataLines(content, context, _requiredColumns, "业务明细", "支付宝交易号,商户订单号,业务类型", line =>
        {
            declaredPayments ??= AlipayFileLines.ReadTotal(line, "交易合计");
            declaredRefunds ??= AlipayFileLines.ReadTotal(line, "退款合计");
        });
        foreach (var (header, line, number) in lines)
        {
            yield return ReadRow(header, line, number, source, payments, refunds);
        }

        context.ControlSummary = Describe(declaredPayments, declaredRefunds);
        CheckTotals(source, declaredPayments, declaredRefunds, payments, refunds);
    }

    private static ParsedRow ReadRow(HeaderMap header, string line, long number, string source, Tally payments, Tally refunds)
    {
        var cells = AlipayFileLines.SplitCells(line);
        var businessType = ProviderParsing.Clean(header.Cell(cells, BusinessTypeColumn));
        var tally = businessType switch
        {
            PaymentType => payments,
            RefundType => refunds,
            _ => null,
        };
        if (tally is not null)
        {
            tally.Count++;
        }

        try
        {
            if (cells.Length != header.Count)
            {
                throw new RowFormatException(string.Empty, $"has {cells.Length} cells where the header has {header.Count}; a comma inside a cell shifts the columns");
            }

            var received = ProviderParsing.Amount(ReceivedColumn, header.Cell(cells, ReceivedColumn));
            if (tally is not null)
            {
                tally.Amount += received;
            }

            var fee = ProviderParsing.OptionalAmount(FeeColumn, header.Cell(cells, FeeColumn)) ?? 0m;
            var txnId = ProviderParsing.Required(TxnIdColumn, header.Cell(cells, TxnIdColumn));
            var occurredAt = ProviderParsing.Clean(header.Cell(cells, FinishedColumn)).Length > 0
                ? ProviderParsing.BeijingTime(FinishedColumn, header.Cell(cells, FinishedColumn))
                : ProviderParsing.BeijingTime(CreatedColumn, header.Cell(cells, CreatedColumn));
            var (entryType, entryRef) = businessType switch
            {
                PaymentType => (SettlementEntryType.Payment, txnId),
                RefundType => (SettlementEntryType.Refund, ProviderParsing.Required(RefundRefColumn, header.Cell(cells, RefundRefColumn))),
                "" => throw new RowFormatException(BusinessTypeColumn, "is empty"),
                _ => (SettlementEntryType.Other, $"{txnId}/{businessType}/{ProviderParsing.Clean(header.Cell(cells, RefundRefColumn))}"),
            };
            var record = new SettlementRecord(
                AlipayFileLines.Provider,
                entryType,
                txnId,
                entryRef,
                ProviderParsing.NullIfEmpty(header.Cell(cells, OrderNoColumn)),
                Math.Abs(received),
                // 服务费 is signed from the balance's side (−0.04 taken); Fee is what the line costs the merchant.
                -fee,
                Math.Abs(received + fee),
                AlipayFileLines.Currency,
                occurredAt,
                businessType);
            return new SettlementRow(number, record);
        }
        catch (RowFormatException ex)
        {
            return new QuarantinedRow(number, line, ex.Reason(source, number));
        }
    }

    private static string Describe((int Count, decimal Amount)? payments, (int Count, decimal Amount)? refunds) =>
        $"交易合计 {Figure(payments)}; 退款合计 {Figure(refunds)}";

    private static string Figure((int Count, decimal Amount)? total) =>
        total is { } t ? FormattableString.Invariant($"{t.Count}笔 {t.Amount:0.00}元") : "missing";

    private static void CheckTotals(
        string source,
        (int Count, decimal Amount)? declaredPayments,
        (int Count, decimal Amount)? declaredRefunds,
        Tally payments,
        Tally refunds)
    {
        var problems = new List<string>();
        Compare("交易合计", declaredPayments, payments, problems);
        Compare("退款合计", declaredRefunds, refunds, problems);
        if (problems.Count > 0)
        {
            throw new FileRejectedException(
                RejectionKind.ControlTotals,
                $"{source}: {string.Join("; ", problems)}. The file is probably truncated or altered; the whole file was rejected. " +
                "Download it again from Alipay.");
        }
    }

    private static void Compare(string label, (int Count, decimal Amount)? declared, Tally found, List<string> problems)
    {
        if (declared is not { } d)
        {
            problems.Add(FormattableString.Invariant(
                $"the footer line #{label} is missing (found {found.Count} rows, {found.Amount:0.00}元)"));
            return;
        }

        if (d.Count != found.Count || Math.Abs(d.Amount) != Math.Abs(found.Amount))
        {
            problems.Add(FormattableString.Invariant(
                $"#{label} declares {d.Count}笔 {d.Amount:0.00}元 but the rows hold {found.Count}笔 {found.Amount:0.00}元"));
        }
    }

    private sealed class Tally
    {
        public int Count { get; set; }

        public decimal Amount { get; set; }
    }
}
