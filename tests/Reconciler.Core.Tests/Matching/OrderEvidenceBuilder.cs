using Reconciler.Core.Matching;
using Reconciler.Core.Time;

namespace Reconciler.Core.Tests.Matching;

/// <summary>One game-card order of business date 2026-11-18 (Beijing) and the few ways its evidence varies.</summary>
internal static class OrderEvidenceBuilder
{
    public const string OrderNo = "KM202611180000013";

    public static readonly DateOnly Date = new(2026, 11, 18);

    public static readonly BusinessCalendar Calendar = new(BusinessCalendar.BeijingZoneId);

    /// <summary>10:00 Beijing on <see cref="Date"/>.</summary>
    public static readonly DateTimeOffset CreatedAt = new(2026, 11, 18, 2, 0, 0, TimeSpan.Zero);

    /// <summary>The platform's callback time, one minute after creation.</summary>
    public static readonly DateTimeOffset PaidAt = CreatedAt.AddMinutes(1);

    /// <summary>The provider's own payment time, a few seconds before the callback.</summary>
    public static readonly DateTimeOffset FirstPaymentAt = PaidAt.AddSeconds(-5);

    public static readonly TimeSpan DefaultSla = TimeSpan.FromMinutes(30);

    public static readonly TimeSpan DefaultHoldLimit = TimeSpan.FromHours(24);

    public static readonly TimeSpan DefaultGrace = TimeSpan.FromMinutes(15);

    /// <summary>An order with no payment and no delivery yet.</summary>
    public static OrderEvidence Order(decimal amount = 100m, int quantity = 1, string productType = "game_card") => new()
    {
        OrderNo = OrderNo,
        CreatedAt = CreatedAt,
        PaidAt = null,
        ProductType = productType,
        Quantity = quantity,
        Amount = amount,
        Currency = "CNY",
        PayChannel = "wechat",
    };

    /// <summary>An order paid once, in full, with its callback received.</summary>
    public static OrderEvidence PaidOrder(decimal amount = 100m, int quantity = 1, string productType = "game_card") =>
        Order(amount, quantity, productType).WithPayments(amount);

    public static OrderEvidence WithPayments(this OrderEvidence order, params decimal[] grosses) => order with
    {
        PaidAt = PaidAt,
        PaymentCount = grosses.Length,
        PaymentGross = grosses.Sum(),
        FirstPaymentAt = FirstPaymentAt,
        Provider = "wechat",
        ProviderTxnId = string.Join(",", Enumerable.Range(1, grosses.Length).Select(i => $"42000{i}")),
    };

    public static OrderEvidence Refunded(this OrderEvidence order, decimal refund) => order with { RefundTotal = refund };

    public static OrderEvidence ChargedBack(this OrderEvidence order, decimal chargeback) => order with { ChargebackTotal = chargeback };

    public static OrderEvidence Delivered(this OrderEvidence order, int quantity) => order with
    {
        DeliveredQuantity = quantity,
        Vendor = "fulu",
    };

    public static OrderEvidence DeliveredToWrongAccount(this OrderEvidence order, int quantity) => order with
    {
        WrongAccountQuantity = quantity,
        Vendor = "fulu",
    };

    public static OrderEvidence InFlight(this OrderEvidence order) => order with { InFlight = true, Vendor = "fulu" };

    public static ReconciliationWindow WindowAt(DateTimeOffset asOf) =>
        new(Date, Calendar.StartOf(Date), Calendar.EndOf(Date), asOf);

    /// <summary>Evaluates with the given policy (DESIGN's defaults when null); as-of defaults to two hours after payment.</summary>
    public static IReadOnlyList<Finding> Evaluate(OrderEvidence order, DateTimeOffset? asOf = null, MatchingPolicy? policy = null) =>
        new MatchingRules(policy ?? new MatchingPolicy()).Evaluate(order, WindowAt(asOf ?? PaidAt.AddHours(2)));

    public static string IdOf(FindingKind kind) => FindingIdentity.ForOrder(OrderNo, kind);
}
