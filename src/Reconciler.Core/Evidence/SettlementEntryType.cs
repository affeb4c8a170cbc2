namespace Reconciler.Core.Evidence;

/// <summary>What a provider's settlement line records; only payments, refunds and chargebacks concern an order.</summary>
public enum SettlementEntryType
{
    /// <summary>A customer payment (WeChat SUCCESS, Alipay 交易, Stripe charge, Adyen Settled, UnionPay S22).</summary>
    Payment,

    /// <summary>Money given back to the customer by the provider (refund rows of any provider).</summary>
    Refund,

    /// <summary>A dispute or chargeback taken back by the card scheme.</summary>
    Chargeback,

    /// <summary>A chargeback won back by the merchant.</summary>
    ChargebackReversal,

    /// <summary>A provider fee line that names no order.</summary>
    Fee,

    /// <summary>A transfer of the balance to the merchant's bank.</summary>
    Payout,

    /// <summary>Anything else a provider reports (adjustments, misc costs, revoked payments); never an order's money.</summary>
    Other,
}
