namespace Reconciler.Storage.Reconciliation;

/// <summary>One order in scope as the merge reads it.</summary>
internal sealed record ScopeOrder(
    string OrderNo, DateTimeOffset CreatedAt, DateTimeOffset? PaidAt, string ProductType, int Quantity, decimal Amount,
    string Currency, string PayChannel, string TargetAccount, string Status);

/// <summary>One money line (a copy of a provider line) attributed to an order in scope.</summary>
internal readonly record struct MoneyRow(
    string OrderNo, string Provider, string EntryType, string EntryRef, string TxnId, decimal Gross, DateTimeOffset OccurredAt);

/// <summary>A provider line's identity: copies of it in several files are one line.</summary>
internal readonly record struct MoneyKey(string Provider, string EntryType, string EntryRef);

/// <summary>A provider line whose copies name different orders: it counts for <see cref="OrderNo"/> only, with these values.</summary>
internal sealed record SharedMoneyLine(string OrderNo, string TxnId, decimal Gross, DateTimeOffset OccurredAt);

/// <summary>One delivery row (one line of one vendor file) of an order in scope.</summary>
internal readonly record struct DeliveryRow(
    string OrderNo, string Vendor, string VendorOrderId, string TargetAccount, int Quantity, string Status,
    DateTimeOffset? FinishedAt, string? Voucher, decimal? Cost, long FileId)
{
    public DeliveryEventKey Event => new(Vendor, VendorOrderId, TargetAccount, Quantity, Status, FinishedAt, Voucher, Cost);
}

/// <summary>A delivery event: rows alike in every field are the same event (or parts of one batch within one file).</summary>
internal readonly record struct DeliveryEventKey(
    string Vendor, string VendorOrderId, string TargetAccount, int Quantity, string Status, DateTimeOffset? FinishedAt,
    string? Voucher, decimal? Cost);
