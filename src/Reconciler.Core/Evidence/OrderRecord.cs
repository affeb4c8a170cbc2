namespace Reconciler.Core.Evidence;

/// <summary>One platform order as the platform's export (or its database) states it.</summary>
public sealed record OrderRecord(
    string OrderNo,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PaidAt,
    string CustomerId,
    string MerchantId,
    string ProductType,
    string Sku,
    string TargetAccount,
    int Quantity,
    decimal UnitPrice,
    decimal Amount,
    string Currency,
    string PayChannel,
    string Status);
