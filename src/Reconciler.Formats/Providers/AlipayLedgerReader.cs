using Reconciler.Core.Evidence;

namespace Reconciler.Formats.Providers;

/// <summary>
/// Reads Alipay's balance ledger download (账务明细, <c>alipay-ledger</c>): GBK, comma separated without quoting, one line
/// per balance movement with income and expense columns; footer 收入合计 / 支出合计 totals are checked when present.
/// </summary>
public sealed class AlipayLedgerReader : IFormatReader
{
    public const string FormatName = "alipay-ledger";

    private const string LedgerIdColumn = "账务流水号";
    private const string BusinessIdColumn = "业务流水号";
    private const string OrderNoColumn = "商户订单号";
    private const string OccurredColumn = "发生时间";
    private const string IncomeColumn = "收入金额（+元）";
    private const string ExpenseColumn = "支出金额（-元）";
    private const string BusinessTypeColumn = "业务类型";
    private const string ListEndMarker = "账务明细列表结束";
    private const string ListStartMarker = "账务明细列表";

    private static readonly string[] _requiredColumns =
        [LedgerIdColumn, BusinessIdColumn, OrderNoColumn, OccurredColumn, IncomeColumn, ExpenseColumn, BusinessTypeColumn];

    public string Format => FormatName;

    public EvidenceKind Kind => EvidenceKind.Settlement;

    public bool Recognises(FileSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var text = sample.GbkText;
        if (text.Contains("#支付宝账务明细查询", StringComparison.Ordinal))
        {
            return true;
        }

        return text.Split('\n').Any(line =>
            !line.StartsWith('#')
            && line.Contains(LedgerIdColumn, StringComparison.Ordinal)
            && line.Contains(BusinessIdColumn, StringComparison.Ordinal)
            && line.Contains(IncomeColumn, StringComparison.Ordinal));
    }

    public IEnumerable<ParsedRow> Read(Stream content, ReadContext context)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        context.Provider = AlipayFileLines.Provider;
        var source = context.SourceName;
        (int Count, decimal Amount)? declaredIncome = null;
        (int Count, decimal Amount)? declaredExpense = null;
        var sawListStart = false;
        var sawListEnd = false;
        var income = (Count: 0, Amount: 0m);
        var expense = (Count: 0, Amount: 0m);
        var lines = AlipayFileLines.DataLines(content, context, _requiredColumns, "账务明细", "账务流水号,业务流水号", line =>
        {
            sawListEnd |= line.Contains(ListEndMarker, StringComparison.Ordinal);
            sawListStart |= !sawListEnd && line.Contains(ListStartMarker, StringComparison.Ordinal);
            declaredIncome ??= AlipayFileLines.ReadTotal(line, "收入合计");
            declaredExpense ??= AlipayFileLines.ReadTotal(line, "支出合计");
        });
        foreach (var (header, line, number) in lines)
        {
            var cells = AlipayFileLines.SplitCells(line);
            var row = ReadRow(header, cells, line, number, source);
            if (ProviderParsing.Clean(header.Cell(cells, IncomeColumn)) is { Length: > 0 } incomeText
                && decimal.TryParse(incomeText, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var inAmount)
                && inAmount != 0)
            {
                income = (income.Count + 1, income.Amount + Math.Abs(inAmount));
            }

            if (ProviderParsing.Clean(header.Cell(cells, ExpenseColumn)) is { Length: > 0 } expenseText
                && decimal.TryParse(expenseText, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var outAmount)
                && outAmount != 0)
            {
                expense = (expense.Count + 1, expense.Amount + Math.Abs(outAmount));
            }

            yield return row;
        }

        context.ControlSummary = FormattableString.Invariant(
            $"收入合计 {Figure(declaredIncome)}; 支出合计 {Figure(declaredExpense)}");
        var problems = new List<string>();
        if (sawListStart && !sawListEnd)
        {
            problems.Add($"the line #-----{ListEndMarker}----- is missing");
        }

        Compare("收入合计", declaredIncome, income, problems);
        Compare("支出合计", declaredExpense, expense, problems);
        if (problems.Count > 0)
        {
            throw new FileRejectedException(
                RejectionKind.ControlTotals,
                $"{source}: {string.Join("; ", problems)}. The file is probably truncated or altered; the whole file was rejected. " +
                "Download it again from Alipay.");
        }
    }

    private static ParsedRow ReadRow(HeaderMap header, string[] cells, string line, long number, string source)
    {
        try
        {
            if (cells.Length != header.Count)
            {
                throw new RowFormatException(string.Empty, $"has {cells.Length} cells where the header has {header.Count}; a comma inside a cell shifts the columns");
            }

            var ledgerId = ProviderParsing.Required(LedgerIdColumn, header.Cell(cells, LedgerIdColumn));
            var businessId = ProviderParsing.NullIfEmpty(header.Cell(cells, BusinessIdColumn));
            var businessType = ProviderParsing.Required(BusinessTypeColumn, header.Cell(cells, BusinessTypeColumn));
            var inAmount = ProviderParsing.OptionalAmount(IncomeColumn, header.Cell(cells, IncomeColumn)) ?? 0m;
            var outAmount = ProviderParsing.OptionalAmount(ExpenseColumn, header.Cell(cells, ExpenseColumn)) ?? 0m;
            var gross = inAmount != 0 ? Math.Abs(inAmount) : Math.Abs(outAmount);
            var occurredAt = ProviderParsing.BeijingTime(OccurredColumn, header.Cell(cells, OccurredColumn));
            var (entryType, txnId, entryRef) = businessType switch
            {
                "在线支付" => (SettlementEntryType.Payment, Business(), Business()),
                "交易退款" => (SettlementEntryType.Refund, Business(), ledgerId),
                "收费" or "服务费" or "手续费" => (SettlementEntryType.Fee, businessId ?? ledgerId, ledgerId),
                "提现" => (SettlementEntryType.Payout, businessId ?? ledgerId, ledgerId),
                _ => (SettlementEntryType.Other, businessId ?? ledgerId, ledgerId),
            };
            var record = new SettlementRecord(
                AlipayFileLines.Provider,
                entryType,
                txnId,
                entryRef,
                ProviderParsing.NullIfEmpty(header.Cell(cells, OrderNoColumn)),
                gross,
                null,
                null,
                AlipayFileLines.Currency,
                occurredAt,
                businessType);
            return new SettlementRow(number, record);

            string Business() => businessId ?? throw new RowFormatException(BusinessIdColumn, $"is empty on a {businessType} line");
        }
        catch (RowFormatException ex)
        {
            return new QuarantinedRow(number, line, ex.Reason(source, number));
        }
    }

    private static string Figure((int Count, decimal Amount)? total) =>
        total is { } t ? FormattableString.Invariant($"{t.Count}笔 {t.Amount:0.00}元") : "not stated";

    private static void Compare(string label, (int Count, decimal Amount)? declared, (int Count, decimal Amount) found, List<string> problems)
    {
        if (declared is { } d && (d.Count != found.Count || Math.Abs(d.Amount) != found.Amount))
        {
            problems.Add(FormattableString.Invariant(
                $"#{label} declares {d.Count}笔 {d.Amount:0.00}元 but the rows hold {found.Count}笔 {found.Amount:0.00}元"));
        }
    }
}
