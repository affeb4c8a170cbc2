using Reconciler.Core.Matching;

namespace Reconciler.Jobs;

/// <summary>The settings of section <c>Reconciler:Matching</c>, turned into the Core <see cref="MatchingPolicy"/>.</summary>
public sealed class MatchingOptions
{
    public TimeSpan DeliverySla { get; set; } = TimeSpan.FromMinutes(30);

    public Dictionary<string, TimeSpan> DeliverySlaByProductType { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public TimeSpan SettlementGrace { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan HoldLimit { get; set; } = TimeSpan.FromHours(24);

    public decimal AmountTolerance { get; set; } = 0.01m;

    /// <summary>Product types whose missing goods are re-delivered rather than refunded.</summary>
    public List<string> RedeliverProductTypes { get; init; } = [];

    public MatchingPolicy ToPolicy() => new()
    {
        DefaultDeliverySla = DeliverySla,
        DeliverySlaByProductType = new Dictionary<string, TimeSpan>(DeliverySlaByProductType, StringComparer.OrdinalIgnoreCase),
        SettlementGrace = SettlementGrace,
        HoldLimit = HoldLimit,
        AmountTolerance = AmountTolerance,
        ActionByProductType = RedeliverProductTypes.ToDictionary(t => t, _ => CompensationAction.Redeliver, StringComparer.OrdinalIgnoreCase),
    };
}
