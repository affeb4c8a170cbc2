namespace Reconciler.Core.Evidence;

/// <summary>One delivery attempt as a vendor's log reports it; several may exist per order (retries, batch parts).</summary>
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
    DateTimeOffset? FinishedAt);
