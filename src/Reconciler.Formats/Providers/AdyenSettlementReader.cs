using Reconciler.Core.Evidence;

namespace Reconciler.Formats.Providers;

/// <summary>Reads Adyen's settlement details report (<c>adyen-settlement</c>): one line per journal entry of a settlement batch.</summary>
public sealed class AdyenSettlementReader : IFormatReader
{
    public const string FormatName = "adyen-settlement";

    private const string Provider = "adyen";
    private const string PspColumn = "Psp Reference";
    private const string MerchantRefColumn = "Merchant Reference";
    private const string CreationColumn = "Creation Date";
    private const string ZoneColumn = "TimeZone";
    private const string TypeColumn = "Type";
    private const string ModificationColumn = "Modification Reference";
    private const string GrossCurrencyColumn = "Gross Currency";
    private const string GrossDebitColumn = "Gross Debit (GC)";
    private const string GrossCreditColumn = "Gross Credit (GC)";
    private const string NetCurrencyColumn = "Net Currency";
    private const string NetDebitColumn = "Net Debit (NC)";
    private const string NetCreditColumn = "Net Credit (NC)";
    private const string BatchColumn = "Batch Number";

    private static readonly string[] _feeColumns = ["Commission (NC)", "Markup (NC)", "Scheme Fees (NC)", "Interchange (NC)"];

    private static readonly string[] _requiredColumns =
    [
        PspColumn, MerchantRefColumn, CreationColumn, ZoneColumn, TypeColumn, ModificationColumn, GrossCurrencyColumn,
        GrossDebitColumn, GrossCreditColumn, NetCurrencyColumn, NetDebitColumn, NetCreditColumn, .. _feeColumns,
    ];

    public string Format => FormatName;

    public EvidenceKind Kind => EvidenceKind.Settlement;

    public bool Recognises(FileSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var header = CsvRecords.HeaderOf(sample);
        return header.Contains(PspColumn)
            && header.Contains(TypeColumn)
            && header.Contains(GrossCreditColumn)
            && header.Contains(NetCreditColumn)
            && header.Contains(BatchColumn);
    }

    public IEnumerable<ParsedRow> Read(Stream content, ReadContext context)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        context.Provider = Provider;
        var source = context.SourceName;
        var seenLineKeys = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (header, record) in CsvRecords.ReadWithHeader(content, source, _requiredColumns, "an Adyen settlement details report", context.Limits.MaxLineBytes))
        {
            yield return ReadRow(header, record, source, seenLineKeys);
        }
    }

    private static ParsedRow ReadRow(HeaderMap header, CsvRecord record, string source, Dictionary<string, int> seenLineKeys)
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

            string? Cell(string name) => ProviderParsing.NullIfEmpty(header.Cell(cells, name));
            decimal? Money(string name) => ProviderParsing.OptionalAmount(name, header.Cell(cells, name));

            var type = ProviderParsing.Required(TypeColumn, header.Cell(cells, TypeColumn));
            var creation = ProviderParsing.WallClock(CreationColumn, header.Cell(cells, CreationColumn), "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm");
            var zone = ProviderParsing.Clean(header.Cell(cells, ZoneColumn));
            var occurredAt = AdyenTimeZones.ToInstant(creation, zone)
                ?? throw new RowFormatException(ZoneColumn, zone.Length == 0 ? "is empty, a time zone is required" : $"'{zone}' is not a known time zone");
            var grossDebit = Money(GrossDebitColumn);
            var grossCredit = Money(GrossCreditColumn);
            var netDebit = Money(NetDebitColumn);
            var netCredit = Money(NetCreditColumn);
            var feeParts = _feeColumns.Select(Money).Where(part => part is not null).ToList();
            decimal? fee = feeParts.Count == 0 ? null : feeParts.Sum(part => part!.Value);
            var net = netCredit ?? netDebit;
            var psp = Cell(PspColumn);
            var modification = Cell(ModificationColumn);

            var entryType = type switch
            {
                "Settled" => SettlementEntryType.Payment,
                "Refunded" => SettlementEntryType.Refund,
                "Chargeback" or "SecondChargeback" => SettlementEntryType.Chargeback,
                "ChargebackReversed" => SettlementEntryType.ChargebackReversal,
                "Fee" or "MiscCosts" or "PaymentCost" => SettlementEntryType.Fee,
                "MerchantPayout" => SettlementEntryType.Payout,
                _ => SettlementEntryType.Other,
            };
            var gross = entryType switch
            {
                SettlementEntryType.Payment or SettlementEntryType.ChargebackReversal =>
                    grossCredit ?? throw new RowFormatException(GrossCreditColumn, $"is empty on a {type} line"),
                SettlementEntryType.Refund or SettlementEntryType.Chargeback =>
                    grossDebit ?? throw new RowFormatException(GrossDebitColumn, $"is empty on a {type} line"),
                _ => grossCredit ?? grossDebit ?? netCredit ?? netDebit ?? 0m,
            };
            string txnId;
            string entryRef;
            if (entryType is SettlementEntryType.Payment or SettlementEntryType.Refund or SettlementEntryType.Chargeback or SettlementEntryType.ChargebackReversal)
            {
                txnId = psp ?? throw new RowFormatException(PspColumn, $"is empty on a {type} line");
                entryRef = entryType == SettlementEntryType.Payment ? psp : modification ?? $"{psp}:{type}";
            }
            else
            {
                entryRef = psp is not null ? $"{psp}:{type}:{modification}" : BatchLineKey(Cell(BatchColumn), type, creation, modification, seenLineKeys);
                txnId = psp ?? modification ?? entryRef;
            }

            var currency = (Cell(GrossCurrencyColumn) ?? Cell(NetCurrencyColumn)
                ?? throw new RowFormatException(GrossCurrencyColumn, "is empty and so is Net Currency")).ToUpperInvariant();
            var settlement = new SettlementRecord(
                Provider,
                entryType,
                txnId,
                entryRef,
                Cell(MerchantRefColumn),
                Math.Abs(gross),
                fee is null ? null : Math.Abs(fee.Value),
                net is null ? null : Math.Abs(net.Value),
                currency,
                occurredAt,
                type);
            return new SettlementRow(record.Line, settlement);
        }
        catch (RowFormatException ex)
        {
            return new QuarantinedRow(record.Line, record.RawText, ex.Reason(source, record.Line));
        }
    }

    /// <summary>
    /// Batch lines (fees, payouts) carry no PSP reference; they are named by batch, type and time, with a counter for
    /// repeats, so the same report read twice names them the same way.
    /// </summary>
    private static string BatchLineKey(string? batch, string type, DateTime creation, string? modification, Dictionary<string, int> seen)
    {
        var key = FormattableString.Invariant($"batch {batch ?? "?"}:{type}:{creation:yyyy-MM-ddTHH:mm:ss}");
        if (modification is not null)
        {
            key = $"{key}:{modification}";
        }

        var count = seen.TryGetValue(key, out var previous) ? previous + 1 : 1;
        seen[key] = count;
        return count == 1 ? key : FormattableString.Invariant($"{key}#{count}");
    }
}
