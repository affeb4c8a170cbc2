using Reconciler.Core.Matching;
using static Reconciler.Core.Tests.Matching.OrderEvidenceBuilder;

namespace Reconciler.Core.Tests.Matching;

public class ChargedNotDeliveredTests
{
    [Fact]
    public void Evaluate_RaisesAutomaticRefundOfNetCharged_WhenExactlyTheSlaHasPassedSincePayment()
    {
        var findings = Evaluate(PaidOrder(amount: 100m), asOf: PaidAt + DefaultSla);

        findings.Should().ContainSingle();
        var finding = findings[0];
        finding.Kind.Should().Be(FindingKind.ChargedNotDelivered);
        finding.FindingId.Should().Be(IdOf(FindingKind.ChargedNotDelivered));
        finding.Action.Should().Be(CompensationAction.Refund);
        finding.IsAutomatic.Should().BeTrue();
        finding.CompensationAmount.Should().Be(100m);
        finding.ExpectedAmount.Should().Be(100m);
        finding.ChargedAmount.Should().Be(100m);
        finding.DeliveredQuantity.Should().Be(0);
        finding.OrderedQuantity.Should().Be(1);
        finding.OrderNo.Should().Be(OrderNo);
        finding.Provider.Should().Be("wechat");
        finding.ProviderTxnId.Should().Be("420001");
        finding.Currency.Should().Be("CNY");
        finding.Detail.Should().Be("charged 100.00, nothing delivered");
    }

    [Fact]
    public void Evaluate_RaisesPending_WhenOneSecondIsLeftOfTheSla()
    {
        var findings = Evaluate(PaidOrder(), asOf: PaidAt + DefaultSla - TimeSpan.FromSeconds(1));

        findings.Should().ContainSingle()
            .Which.Should().Match<Finding>(f => f.Kind == FindingKind.Pending && f.Action == CompensationAction.None && f.CompensationAmount == null);
    }

    [Fact]
    public void Evaluate_MeasuresTheSlaFromTheFirstPayment_WhenPaidAtIsMissing()
    {
        var order = PaidOrder() with
        {
            PaidAt = null,
            CreatedAt = FirstPaymentAt.AddHours(-1),
        };

        Evaluate(order, asOf: FirstPaymentAt + DefaultSla).Should().ContainSingle()
            .Which.Kind.Should().Be(FindingKind.ChargedNotDelivered);
        Evaluate(order, asOf: FirstPaymentAt + DefaultSla - TimeSpan.FromSeconds(1)).Should().ContainSingle()
            .Which.Kind.Should().Be(FindingKind.Pending);
    }

    [Fact]
    public void Evaluate_MeasuresTheSlaFromPaidAt_WhenBothPaidAtAndFirstPaymentTimeAreKnown()
    {
        var order = PaidOrder() with { FirstPaymentAt = PaidAt.AddHours(-1) };

        Evaluate(order, asOf: PaidAt + DefaultSla - TimeSpan.FromSeconds(1)).Should().ContainSingle()
            .Which.Kind.Should().Be(FindingKind.Pending);
    }

    [Fact]
    public void Evaluate_UsesTheProductTypesSla_WhenThePolicyNamesOne()
    {
        var policy = new MatchingPolicy
        {
            DeliverySlaByProductType = new Dictionary<string, TimeSpan>(StringComparer.OrdinalIgnoreCase)
            {
                ["gift_card"] = TimeSpan.FromHours(2),
            },
        };
        var asOf = PaidAt.AddHours(1);

        Evaluate(PaidOrder(productType: "gift_card"), asOf, policy).Should().ContainSingle()
            .Which.Kind.Should().Be(FindingKind.Pending);
        Evaluate(PaidOrder(productType: "gift_card"), PaidAt.AddHours(2), policy).Should().ContainSingle()
            .Which.Kind.Should().Be(FindingKind.ChargedNotDelivered);
        Evaluate(PaidOrder(productType: "game_card"), asOf, policy).Should().ContainSingle()
            .Which.Kind.Should().Be(FindingKind.ChargedNotDelivered);
    }

    [Fact]
    public void Evaluate_UsesThePolicysDefaultSla_WhenTheProductTypeHasNone()
    {
        var policy = new MatchingPolicy { DefaultDeliverySla = TimeSpan.FromMinutes(10) };

        Evaluate(PaidOrder(), PaidAt.AddMinutes(10), policy).Should().ContainSingle()
            .Which.Kind.Should().Be(FindingKind.ChargedNotDelivered);
        Evaluate(PaidOrder(), PaidAt.AddMinutes(10).AddSeconds(-1), policy).Should().ContainSingle()
            .Which.Kind.Should().Be(FindingKind.Pending);
    }

    [Fact]
    public void Evaluate_AsksForRedeliveryOfTheNetCharged_WhenTheProductTypesPolicyIsRedeliver()
    {
        var policy = new MatchingPolicy
        {
            ActionByProductType = new Dictionary<string, CompensationAction>(StringComparer.OrdinalIgnoreCase)
            {
                ["phone_topup"] = CompensationAction.Redeliver,
            },
        };

        var findings = Evaluate(PaidOrder(amount: 50m, productType: "phone_topup"), PaidAt + DefaultSla, policy);

        findings.Should().ContainSingle();
        findings[0].Kind.Should().Be(FindingKind.ChargedNotDelivered);
        findings[0].Action.Should().Be(CompensationAction.Redeliver);
        findings[0].CompensationAmount.Should().Be(50m);
        findings[0].IsAutomatic.Should().BeTrue();
    }

    [Fact]
    public void Evaluate_RefundsAnyway_WhenThePolicyMapsTheProductTypeToAnActionOtherThanRedeliver()
    {
        var policy = new MatchingPolicy
        {
            ActionByProductType = new Dictionary<string, CompensationAction>(StringComparer.OrdinalIgnoreCase)
            {
                ["game_card"] = CompensationAction.ManualReview,
            },
        };

        Evaluate(PaidOrder(), PaidAt + DefaultSla, policy).Should().ContainSingle()
            .Which.Action.Should().Be(CompensationAction.Refund);
    }

    [Fact]
    public void OrderEvidence_CarriesNoPlatformStatus_SoTheStatusCannotInfluenceMatching()
    {
        // DESIGN: the platform's status "is evidence, not truth"; the rules never see it.
        typeof(OrderEvidence).GetProperty("Status").Should().BeNull();
        typeof(OrderEvidence).GetProperties().Select(p => p.Name)
            .Should().NotContain(name => name.Contains("Status", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Evaluate_RaisesNoChargedNotDelivered_WhenTheGoodsWentToAnotherAccount()
    {
        var findings = Evaluate(PaidOrder().DeliveredToWrongAccount(1), PaidAt.AddHours(25));

        findings.Should().ContainSingle()
            .Which.Kind.Should().Be(FindingKind.DeliveredWrongAccount);
    }

    [Fact]
    public void Evaluate_RaisesNothing_WhenTheProviderRefundedThePaymentInFull()
    {
        Evaluate(PaidOrder(amount: 100m).Refunded(100m), PaidAt.AddHours(2)).Should().BeEmpty();
    }

    [Fact]
    public void Evaluate_RaisesNothing_WhenAChargebackTookThePaymentBack()
    {
        var order = PaidOrder(amount: 100m).ChargedBack(100m);

        order.NetCharged.Should().Be(0m);
        Evaluate(order, PaidAt.AddHours(2)).Should().BeEmpty();
    }

    [Fact]
    public void Evaluate_RefundsWhatRemainsCharged_WhenTheProviderRefundedPartOfThePayment()
    {
        var findings = Evaluate(PaidOrder(amount: 100m).Refunded(30m), PaidAt + DefaultSla);

        findings.Should().ContainSingle()
            .Which.Should().Match<Finding>(f =>
                f.Kind == FindingKind.ChargedNotDelivered && f.CompensationAmount == 70m && f.ChargedAmount == 70m);
    }

    [Fact]
    public void Evaluate_RaisesNothing_WhenTheOrderIsFullyDelivered()
    {
        Evaluate(PaidOrder(quantity: 3).Delivered(3), PaidAt.AddHours(30)).Should().BeEmpty();
    }

    [Fact]
    public void Evaluate_RefundsTheWholeGrossBesideTheMismatch_WhenOnePaymentExceedsTheOrderAndNothingArrived()
    {
        var order = Order(amount: 100m).WithPayments(120m);

        var findings = Evaluate(order, PaidAt + DefaultSla);

        findings.Select(f => f.Kind).Should().BeEquivalentTo(new[] { FindingKind.AmountMismatch, FindingKind.ChargedNotDelivered });
        findings.Single(f => f.Kind == FindingKind.ChargedNotDelivered).CompensationAmount.Should().Be(120m);
    }

    [Fact]
    public void Evaluate_NamesThePayChannelAsProvider_WhenTheEvidenceNamesNoProvider()
    {
        var order = PaidOrder() with { Provider = null, PayChannel = "alipay" };

        Evaluate(order, PaidAt + DefaultSla).Should().ContainSingle()
            .Which.Provider.Should().Be("alipay");
    }
}
