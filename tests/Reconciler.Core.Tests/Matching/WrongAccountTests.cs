using Reconciler.Core.Matching;
using static Reconciler.Core.Tests.Matching.OrderEvidenceBuilder;

namespace Reconciler.Core.Tests.Matching;

public class WrongAccountTests
{
    [Fact]
    public void Evaluate_RaisesManualReviewWithoutCompensation_WhenTheGoodsWentToAnotherAccount()
    {
        var findings = Evaluate(PaidOrder(amount: 100m).DeliveredToWrongAccount(1), PaidAt + DefaultSla);

        findings.Should().ContainSingle();
        var finding = findings[0];
        finding.Kind.Should().Be(FindingKind.DeliveredWrongAccount);
        finding.FindingId.Should().Be(IdOf(FindingKind.DeliveredWrongAccount));
        finding.Action.Should().Be(CompensationAction.ManualReview);
        finding.IsAutomatic.Should().BeFalse();
        finding.CompensationAmount.Should().BeNull();
        finding.DeliveredQuantity.Should().Be(1);
        finding.OrderedQuantity.Should().Be(1);
        finding.ChargedAmount.Should().Be(100m);
        finding.Vendor.Should().Be("fulu");
    }

    [Fact]
    public void Evaluate_RaisesWrongAccount_EvenWhileStillWithinTheSla()
    {
        var findings = Evaluate(PaidOrder().DeliveredToWrongAccount(1), PaidAt.AddMinutes(1));

        findings.Should().ContainSingle()
            .Which.Kind.Should().Be(FindingKind.DeliveredWrongAccount);
    }

    [Fact]
    public void Evaluate_RaisesWrongAccountAndPartialDelivery_WhenOneUnitWentRightAndOneWrong()
    {
        var findings = Evaluate(PaidOrder(amount: 100m, quantity: 2).Delivered(1).DeliveredToWrongAccount(1), PaidAt + DefaultSla);

        findings.Select(f => f.Kind).Should().BeEquivalentTo(new[] { FindingKind.DeliveredWrongAccount, FindingKind.PartiallyDelivered });
        findings.Single(f => f.Kind == FindingKind.DeliveredWrongAccount).CompensationAmount.Should().BeNull();
        findings.Single(f => f.Kind == FindingKind.PartiallyDelivered).CompensationAmount.Should().Be(50m);
        findings.Should().OnlyContain(f => f.DeliveredQuantity == 2 && f.OrderedQuantity == 2);
    }

    [Fact]
    public void Evaluate_RefundsEveryUnitNotDeliveredToTheTarget_WhenSomeWentToAnotherAccount()
    {
        var findings = Evaluate(PaidOrder(amount: 90m, quantity: 3).Delivered(1).DeliveredToWrongAccount(1), PaidAt + DefaultSla);

        findings.Single(f => f.Kind == FindingKind.PartiallyDelivered).CompensationAmount.Should().Be(60m);
    }

    [Fact]
    public void Evaluate_RaisesOnlyWrongAccount_WhenPartOfTheOrderWentToAnotherAccountAndNoneToTheTarget()
    {
        var findings = Evaluate(PaidOrder(quantity: 2).DeliveredToWrongAccount(1), PaidAt.AddHours(25));

        findings.Should().ContainSingle()
            .Which.Kind.Should().Be(FindingKind.DeliveredWrongAccount);
    }

    [Fact]
    public void Evaluate_RaisesWrongAccount_WhenTheOrderWasRefundedInFull()
    {
        var findings = Evaluate(PaidOrder(amount: 100m).Refunded(100m).DeliveredToWrongAccount(1), PaidAt + DefaultSla);

        findings.Should().ContainSingle()
            .Which.Kind.Should().Be(FindingKind.DeliveredWrongAccount);
    }

    [Fact]
    public void Evaluate_RaisesWrongAccountBesideDeliveredNotCharged_WhenAnUnpaidOrderWentToAnotherAccount()
    {
        var findings = Evaluate(Order().DeliveredToWrongAccount(1), PaidAt + DefaultSla);

        findings.Select(f => f.Kind).Should().BeEquivalentTo(new[] { FindingKind.DeliveredWrongAccount, FindingKind.DeliveredNotCharged });
    }
}
