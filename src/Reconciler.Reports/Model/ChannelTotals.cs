namespace Reconciler.Reports.Model;

/// <summary>What one payment provider settled in one currency, beside the orders that name it.</summary>
public sealed record ChannelTotals(
    string Provider,
    string Currency,
    long Payments,
    decimal PaymentGross,
    long Refunds,
    decimal RefundAmount,
    long Chargebacks,
    decimal ChargebackAmount,
    decimal Fees,
    long Orders,
    decimal OrderAmount);
