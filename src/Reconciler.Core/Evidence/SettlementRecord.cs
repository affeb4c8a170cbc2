namespace Reconciler.Core.Evidence;

/// <summary>
/// One settlement line of a payment provider. <see cref="Gross"/> is the unsigned amount the line moves;
/// <see cref="EntryType"/> says in which direction. <see cref="EntryRef"/> identifies the line at the provider
/// (the transaction id for a payment, the refund or dispute id otherwise): the same line seen in two files is one line.
/// <see cref="Fee"/> is what the line costs the merchant in provider fees (negative when a refund returns a fee);
/// <see cref="Net"/> is the unsigned money the line moves after fees.
/// </summary>
public sealed record SettlementRecord(
    string Provider,
    SettlementEntryType EntryType,
    string ProviderTxnId,
    string EntryRef,
    string? OrderNo,
    decimal Gross,
    decimal? Fee,
    decimal? Net,
    string Currency,
    DateTimeOffset OccurredAt,
    string ProviderStatus);
