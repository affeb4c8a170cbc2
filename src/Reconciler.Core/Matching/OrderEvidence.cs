namespace Reconciler.Core.Matching;

/// <summary>
/// Everything the rules need to know about one order: the order itself and the aggregates of its settlement and
/// delivery evidence (computed set-based in the database). Payments are distinct provider transactions.
/// </summary>
public sealed record OrderEvidence
{
    public required string OrderNo { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? PaidAt { get; init; }
    public required string ProductType { get; init; }
    public required int Quantity { get; init; }
    public required decimal Amount { get; init; }
    public required string Currency { get; init; }
    public required string PayChannel { get; init; }

    public int PaymentCount { get; init; }

    /// <summary>Σ gross of the distinct payments.</summary>
    public decimal PaymentGross { get; init; }

    /// <summary>Σ refunds (unsigned).</summary>
    public decimal RefundTotal { get; init; }

    /// <summary>Σ chargebacks less chargebacks won back (unsigned).</summary>
    public decimal ChargebackTotal { get; init; }

    public DateTimeOffset? FirstPaymentAt { get; init; }

    /// <summary>The provider of the (first) payment, else of the order's channel.</summary>
    public string? Provider { get; init; }

    /// <summary>The provider transaction id(s) of the payments, comma-separated when several.</summary>
    public string? ProviderTxnId { get; init; }

    /// <summary>The vendor(s) that delivered or tried to, comma-separated when several.</summary>
    public string? Vendor { get; init; }

    /// <summary>Σ quantity of successful deliveries to the order's own target account.</summary>
    public int DeliveredQuantity { get; init; }

    /// <summary>Σ quantity of successful deliveries to any other account.</summary>
    public int WrongAccountQuantity { get; init; }

    /// <summary>A vendor attempt is still processing with no final state.</summary>
    public bool InFlight { get; init; }

    /// <summary>The settlement file that would carry this order's payment is missing or was rejected.</summary>
    public bool SettlementMissing { get; init; }

    public decimal NetCharged => PaymentGross - RefundTotal - ChargebackTotal;
}
