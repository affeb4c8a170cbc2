using Reconciler.Core.Evidence;

namespace Reconciler.Formats.Providers;

/// <summary>
/// The parsing shared by Stripe's itemized reports (payout reconciliation and balance change from activity): both list
/// balance transactions with the same columns, found by header name.
/// </summary>
internal static class StripeReportCore
{
    public const string Provider = "stripe";

    private const string BalanceTxnColumn = "balance_transaction_id";
    private const string CreatedColumn = "created_utc";
    private const string CurrencyColumn = "currency";
    private const string GrossColumn = "gross";
    private const string FeeColumn = "fee";
    private const string NetColumn = "net";
    private const string CategoryColumn = "reporting_category";
    private const string SourceColumn = "source_id";
    private const string ChargeColumn = "charge_id";
    private const string PayoutIdColumn = "automatic_payout_id";

    private static readonly string[] _requiredColumns =
        [BalanceTxnColumn, CreatedColumn, CurrencyColumn, GrossColumn, FeeColumn, NetColumn, CategoryColumn];

    private static readonly string[] _timeFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss'Z'"];

    /// <summary>Whether the sample's header is an itemized balance transaction report of the given flavour.</summary>
    public static bool Recognises(FileSample sample, bool payoutFlavour)
    {
        var header = CsvRecords.HeaderOf(sample);
        return header.Contains(BalanceTxnColumn)
            && header.Contains(CategoryColumn)
            && header.Contains(PayoutIdColumn) == payoutFlavour;
    }

    public static IEnumerable<ParsedRow> Read(Stream content, ReadContext context, string reportName)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        context.Provider = Provider;
        var source = context.SourceName;
        var metadataColumn = $"payment_metadata[{context.Options.StripeOrderMetadataKey}]";
        foreach (var (header, record) in CsvRecords.ReadWithHeader(content, source, _requiredColumns, $"a Stripe {reportName}", context.Limits.MaxLineBytes))
        {
            yield return ReadRow(header, record, source, metadataColumn);
        }
    }

    private static ParsedRow ReadRow(HeaderMap header, CsvRecord record, string source, string metadataColumn)
    {
        try
        {
            if (record.Malformed is not null)
            {
                throw new RowFormatException(string.Empty, $"malformed CSV ({record.Malformed}); fix the quoting");
            }

            var cells = record.Fields;
            if (cells.Length != header.Count)
            {
                throw new RowFormatException(string.Empty, $"has {cells.Length} cells where the header has {header.Count}");
            }

            var balanceTxn = ProviderParsing.Required(BalanceTxnColumn, header.Cell(cells, BalanceTxnColumn));
            var category = ProviderParsing.Required(CategoryColumn, header.Cell(cells, CategoryColumn));
            var gross = ProviderParsing.Amount(GrossColumn, header.Cell(cells, GrossColumn));
            var fee = ProviderParsing.OptionalAmount(FeeColumn, header.Cell(cells, FeeColumn)) ?? 0m;
            var net = ProviderParsing.OptionalAmount(NetColumn, header.Cell(cells, NetColumn)) ?? gross - fee;
            var currency = ProviderParsing.Required(CurrencyColumn, header.Cell(cells, CurrencyColumn)).ToUpperInvariant();
            var created = ProviderParsing.WallClock(CreatedColumn, header.Cell(cells, CreatedColumn), _timeFormats);
            var sourceId = ProviderParsing.NullIfEmpty(header.Cell(cells, SourceColumn));
            var chargeId = ProviderParsing.NullIfEmpty(header.Cell(cells, ChargeColumn));
            var paymentId = chargeId ?? sourceId ?? balanceTxn;
            var ownSource = sourceId is not null && sourceId != chargeId ? sourceId : balanceTxn;
            var (entryType, entryRef) = category switch
            {
                "charge" => (SettlementEntryType.Payment, paymentId),
                "refund" or "partial_capture_reversal" => (SettlementEntryType.Refund, ownSource),
                "dispute" => (SettlementEntryType.Chargeback, ownSource),
                "dispute_reversal" => (SettlementEntryType.ChargebackReversal, balanceTxn),
                "payout" => (SettlementEntryType.Payout, ownSource),
                "fee" or "network_cost" or "tax" or "stripe_fee" => (SettlementEntryType.Fee, balanceTxn),
                _ => (SettlementEntryType.Other, balanceTxn),
            };
            var settlement = new SettlementRecord(
                Provider,
                entryType,
                paymentId,
                entryRef,
                ProviderParsing.NullIfEmpty(header.Cell(cells, metadataColumn)),
                Math.Abs(gross),
                fee,
                Math.Abs(net),
                currency,
                new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Unspecified), TimeSpan.Zero),
                category);
            return new SettlementRow(record.Line, settlement);
        }
        catch (RowFormatException ex)
        {
            return new QuarantinedRow(record.Line, record.RawText, ex.Reason(source, record.Line));
        }
    }
}
