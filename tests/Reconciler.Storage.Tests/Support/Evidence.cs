using Reconciler.Core.Evidence;

namespace Reconciler.Storage.Tests.Support;

/// <summary>Realistic evidence rows for 2026-11-18 (Beijing), with every field a test does not care about filled in.</summary>
internal static class Evidence
{
    public static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);

    public static DateTimeOffset Beijing(int month, int day, int hour, int minute, int second = 0) =>
        new(2026, month, day, hour, minute, second, BeijingOffset);

    public static OrderRecord Order(
        string orderNo,
        DateTimeOffset createdAt,
        decimal amount = 648.00m,
        string targetAccount = "13800138000",
        int quantity = 1,
        DateTimeOffset? paidAt = null,
        string payChannel = "wechat",
        string status = "paid",
        string currency = "CNY") =>
        new(orderNo, createdAt, paidAt ?? createdAt.AddSeconds(12), "C10086", "M2001", "phone_topup", "CMCC-648",
            targetAccount, quantity, amount / quantity, amount, currency, payChannel, status);

    public static SettlementRecord Payment(
        string provider, string txnId, string? orderNo, decimal gross, DateTimeOffset occurredAt, string currency = "CNY") =>
        Line(provider, SettlementEntryType.Payment, txnId, txnId, orderNo, gross, occurredAt, currency);

    public static SettlementRecord Line(
        string provider,
        SettlementEntryType type,
        string txnId,
        string entryRef,
        string? orderNo,
        decimal gross,
        DateTimeOffset occurredAt,
        string currency = "CNY",
        decimal? fee = null) =>
        new(provider, type, txnId, entryRef, orderNo, gross, fee ?? Math.Round(gross * 0.006m, 2), gross - (fee ?? Math.Round(gross * 0.006m, 2)),
            currency, occurredAt, type == SettlementEntryType.Payment ? "SUCCESS" : "REFUND");

    public static DeliveryRecord Delivery(
        string vendor,
        string vendorOrderId,
        string orderNo,
        DeliveryStatus status,
        string targetAccount = "13800138000",
        int quantity = 1,
        DateTimeOffset? finishedAt = null,
        decimal? cost = 640.00m) =>
        new(vendor, vendorOrderId, orderNo, targetAccount, "CMCC-648", quantity, 648.00m, cost, status,
            status == DeliveryStatus.Processing ? null : finishedAt ?? Beijing(11, 18, 10, 5));
}
