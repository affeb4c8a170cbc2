namespace Reconciler.Core.Matching;

/// <summary>The tunable parts of the matching rules; defaults are DESIGN.md's.</summary>
public sealed class MatchingPolicy
{
    public TimeSpan DefaultDeliverySla { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Delivery SLA per product type (e.g. <c>gift_card</c>); other types use <see cref="DefaultDeliverySla"/>.</summary>
    public IReadOnlyDictionary<string, TimeSpan> DeliverySlaByProductType { get; init; } =
        new Dictionary<string, TimeSpan>(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long after a business day's end a payment may still be on its way into a settlement file.</summary>
    public TimeSpan SettlementGrace { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a charged order may stay pending before it is escalated to charged_not_delivered.</summary>
    public TimeSpan HoldLimit { get; init; } = TimeSpan.FromHours(24);

    /// <summary>The difference between charged and ordered amount still taken as equal.</summary>
    public decimal AmountTolerance { get; init; } = 0.01m;

    /// <summary>Product types whose undelivered goods are re-delivered instead of refunded.</summary>
    public IReadOnlyDictionary<string, CompensationAction> ActionByProductType { get; init; } =
        new Dictionary<string, CompensationAction>(StringComparer.OrdinalIgnoreCase);

    public TimeSpan DeliverySlaFor(string productType) =>
        DeliverySlaByProductType.TryGetValue(productType, out var sla) ? sla : DefaultDeliverySla;

    public CompensationAction UndeliveredActionFor(string productType) =>
        ActionByProductType.TryGetValue(productType, out var action) && action == CompensationAction.Redeliver
            ? CompensationAction.Redeliver
            : CompensationAction.Refund;
}
