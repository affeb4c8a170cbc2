namespace Reconciler.Storage.Reporting;

/// <summary>One provider's settlement lines of the date in one currency.</summary>
public sealed record SettlementTotalsRow(
    string Provider, string Currency, long Payments, decimal PaymentGross, long Refunds, decimal RefundAmount,
    long Chargebacks, decimal ChargebackAmount, decimal Fees);
