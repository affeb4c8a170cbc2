namespace Reconciler.Core.Evidence;

/// <summary>
/// One delivery attempt as a vendor's log reports it; several may exist per order (retries, batch parts).
/// <see cref="Voucher"/> is what the vendor delivered or its serial (card code, operator serial number), when it says.
/// </summary>
public sealed record DeliveryRecord(
    string Vendor,
    string VendorOrderId,
    string OrderNo,
    string TargetAccount,
    string Sku,
    int Quantity,
    decimal? FaceValue,
    decimal? Cost,
    DeliveryStatus Status,
    DateTimeOffset? FinishedAt,
    string? Voucher = null);
