using CsCheck;
using Reconciler.Core.Matching;

namespace Reconciler.Core.Tests.Matching;

/// <summary>
/// <see cref="MatchingRules.CannotBreak"/> lets a rerun over unchanged evidence skip an order, so it must never skip
/// one that could break: for any evidence, policy and instant it calls clean, the rules find nothing.
/// </summary>
public sealed class CannotBreakPropertyTests
{
    private static readonly DateTimeOffset DayStart = new(2026, 11, 17, 16, 0, 0, TimeSpan.Zero);

    private static readonly Gen<decimal> Money = Gen.Int[0, 30_000].Select(cents => cents / 100m);

    // Amounts near each other (the tolerance's edge) as often as far apart.
    private static readonly Gen<decimal> Delta = Gen.OneOf(Gen.Int[-3, 3].Select(c => c / 100m), Money.Select(m => m - 150m));

    private static readonly Gen<OrderEvidence> Evidence =
        Gen.Select(Gen.Int[0, 4], Money, Gen.Int[0, 3], Delta, Money, Money, Gen.Int[0, 5], Gen.Int[0, 2])
            .SelectMany(t => Gen.Select(Gen.Bool, Gen.Bool, Gen.Bool, Gen.Int[0, 1440], Gen.OneOf("game_card", "phone_topup", "membership"))
                .Select(u => new OrderEvidence
                {
                    OrderNo = "KM202611180000013",
                    CreatedAt = DayStart.AddMinutes(u.Item4),
                    PaidAt = u.Item1 ? DayStart.AddMinutes(u.Item4 + 1) : null,
                    ProductType = u.Item5,
                    Quantity = t.Item1,
                    Amount = t.Item2,
                    Currency = "CNY",
                    PayChannel = "wechat",
                    PaymentCount = t.Item3,
                    PaymentGross = t.Item3 == 0 ? 0 : (t.Item2 * t.Item3) + t.Item4,
                    RefundTotal = t.Item3 == 0 ? 0 : t.Item5 / 10,
                    ChargebackTotal = t.Item6 / 20,
                    FirstPaymentAt = t.Item3 == 0 ? null : DayStart.AddMinutes(u.Item4),
                    Provider = t.Item3 == 0 ? null : "wechat",
                    ProviderTxnId = t.Item3 == 0 ? null : "4200001",
                    Vendor = t.Item7 + t.Item8 == 0 ? null : "fulu",
                    DeliveredQuantity = t.Item7,
                    WrongAccountQuantity = t.Item8,
                    InFlight = u.Item2,
                    SettlementMissing = u.Item3,
                }));

    private static readonly Gen<MatchingPolicy> Policy =
        Gen.Select(Gen.OneOf(0m, 0.01m, 0.05m), Gen.Int[1, 240], Gen.Int[1, 72], Gen.Int[0, 60], Gen.Bool)
            .Select(p => new MatchingPolicy
            {
                AmountTolerance = p.Item1,
                DefaultDeliverySla = TimeSpan.FromMinutes(p.Item2),
                HoldLimit = TimeSpan.FromHours(p.Item3),
                SettlementGrace = TimeSpan.FromMinutes(p.Item4),
                ActionByProductType = p.Item5
                    ? new Dictionary<string, CompensationAction>(StringComparer.OrdinalIgnoreCase) { ["game_card"] = CompensationAction.Redeliver }
                    : new Dictionary<string, CompensationAction>(StringComparer.OrdinalIgnoreCase),
            });

    [Fact]
    public void CannotBreak_HoldsOnlyForEvidenceTheRulesFindNothingIn_AtAnyInstant()
    {
        var clean = 0;
        var breaking = 0;
        Gen.Select(Evidence, Policy, Gen.Int[-600, 5 * 1440]).Sample((order, policy, minutes) =>
        {
            var rules = new MatchingRules(policy);
            var window = new ReconciliationWindow(new DateOnly(2026, 11, 18), DayStart, DayStart.AddDays(1), DayStart.AddMinutes(minutes));
            var findings = rules.Evaluate(order, window);
            if (rules.CannotBreak(order))
            {
                Interlocked.Increment(ref clean);
                return findings.Count == 0;
            }

            if (findings.Count > 0)
            {
                Interlocked.Increment(ref breaking);
            }

            return true;
        }, iter: 200_000);

        // Both sides were really exercised: clean evidence and evidence that broke.
        clean.Should().BeGreaterThan(1_000);
        breaking.Should().BeGreaterThan(10_000);
    }

    [Fact]
    public void CannotBreak_IsFalse_ForEachWayAnOrderCanStillBreak()
    {
        var rules = new MatchingRules(new MatchingPolicy());
        var paid = OrderEvidenceBuilder.PaidOrder(quantity: 2) with { DeliveredQuantity = 2 };

        rules.CannotBreak(paid).Should().BeTrue();
        rules.CannotBreak(paid with { DeliveredQuantity = 1 }).Should().BeFalse("partially delivered");
        rules.CannotBreak(paid with { WrongAccountQuantity = 1 }).Should().BeFalse("delivered to another account");
        rules.CannotBreak(paid with { PaymentCount = 2, PaymentGross = 200m }).Should().BeFalse("charged twice");
        rules.CannotBreak(paid with { PaymentGross = 99.98m }).Should().BeFalse("charged another amount");
        rules.CannotBreak(paid with { PaymentCount = 0, PaymentGross = 0 }).Should().BeFalse("delivered, never charged");
        rules.CannotBreak(paid with { Quantity = 0, DeliveredQuantity = 0 }).Should().BeFalse("nothing delivered");
    }
}
