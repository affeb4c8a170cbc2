using Reconciler.Core.Matching;
using static Reconciler.Core.Tests.Matching.OrderEvidenceBuilder;

namespace Reconciler.Core.Tests.Matching;

public class DuplicateChargeTests
{
    [Fact]
    public void Evaluate_RaisesAutomaticRefundOfTheSecondPayment_WhenChargedTwiceAndDelivered()
    {
        var order = Order(amount: 100m).WithPayments(100m, 100m).Delivered(1);

        var findings = Evaluate(order);

        findings.Should().ContainSingle();
        var finding = findings[0];
        finding.Kind.Should().Be(FindingKind.DuplicateCharge);
        finding.FindingId.Should().Be(IdOf(FindingKind.DuplicateCharge));
        finding.OrderNo.Should().Be(OrderNo);
        finding.Action.Should().Be(CompensationAction.Refund);
        finding.IsAutomatic.Should().BeTrue();
        finding.CompensationAmount.Should().Be(100m);
        finding.ExpectedAmount.Should().Be(100m);
        finding.ChargedAmount.Should().Be(200m);
        finding.ProviderTxnId.Should().Be("420001,420002");
        finding.Provider.Should().Be("wechat");
        finding.Currency.Should().Be("CNY");
    }

    [Fact]
    public void Evaluate_RefundsEverythingAboveTheOrderAmount_WhenChargedThreeTimes()
    {
        var order = Order(amount: 30m).WithPayments(30m, 30m, 30m).Delivered(1);

        var findings = Evaluate(order);

        findings.Should().ContainSingle()
            .Which.Should().Match<Finding>(f => f.Kind == FindingKind.DuplicateCharge && f.CompensationAmount == 60m);
        findings[0].Detail.Should().StartWith("3 payments of 90.00");
    }

    [Fact]
    public void Evaluate_RefundsGrossLessOrderAmount_WhenTheSecondPaymentDiffersFromTheOrder()
    {
        var order = Order(amount: 100m).WithPayments(100m, 98.5m).Delivered(1);

        var findings = Evaluate(order);

        findings.Should().ContainSingle()
            .Which.Should().Match<Finding>(f => f.Kind == FindingKind.DuplicateCharge && f.CompensationAmount == 98.5m);
    }

    [Fact]
    public void Evaluate_RaisesNothing_WhenTheProviderAlreadyRefundedTheDuplicate()
    {
        var order = Order(amount: 100m).WithPayments(100m, 100m).Refunded(100m).Delivered(1);

        Evaluate(order).Should().BeEmpty();
    }

    [Fact]
    public void Evaluate_RefundsOnlyWhatTheProviderHasNotGivenBack_WhenTheDuplicateIsPartlyRefunded()
    {
        var order = Order(amount: 100m).WithPayments(100m, 100m).Refunded(40m).Delivered(1);

        var findings = Evaluate(order);

        findings.Should().ContainSingle()
            .Which.Should().Match<Finding>(f => f.Kind == FindingKind.DuplicateCharge && f.CompensationAmount == 60m && f.ChargedAmount == 160m);
    }

    [Fact]
    public void Evaluate_RaisesNoDuplicate_WhenTwoPaymentsTogetherMakeUpTheOrderAmount()
    {
        // DESIGN's "refund Σ gross − o.amount" would be 0 here; the code raises nothing rather than a zero refund.
        var order = Order(amount: 100m).WithPayments(60m, 40m).Delivered(1);

        Evaluate(order).Should().BeEmpty();
    }

    [Fact]
    public void Evaluate_RaisesDuplicateAndChargedNotDeliveredSummingToNetCharged_WhenDuplicateOrderIsUndelivered()
    {
        var order = Order(amount: 100m).WithPayments(100m, 100m);

        var findings = Evaluate(order, asOf: PaidAt + DefaultSla);

        findings.Select(f => f.Kind).Should().BeEquivalentTo(new[] { FindingKind.DuplicateCharge, FindingKind.ChargedNotDelivered });
        findings.Single(f => f.Kind == FindingKind.DuplicateCharge).CompensationAmount.Should().Be(100m);
        findings.Single(f => f.Kind == FindingKind.ChargedNotDelivered).CompensationAmount.Should().Be(100m);
        findings.Sum(f => f.CompensationAmount).Should().Be(order.NetCharged).And.Be(200m);
        findings.Select(f => f.FindingId).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Evaluate_NeverRefundsMoreThanCharged_WhenChargedThreeTimesAndUndelivered()
    {
        var order = Order(amount: 50m).WithPayments(50m, 50m, 50m);

        var findings = Evaluate(order, asOf: PaidAt + DefaultSla);

        findings.Single(f => f.Kind == FindingKind.DuplicateCharge).CompensationAmount.Should().Be(100m);
        findings.Single(f => f.Kind == FindingKind.ChargedNotDelivered).CompensationAmount.Should().Be(50m);
        findings.Sum(f => f.CompensationAmount).Should().Be(150m);
    }

    [Fact]
    public void Evaluate_ComputesPartialRefundOnWhatRemainsAfterTheDuplicateRefund_WhenDuplicateOrderIsPartlyDelivered()
    {
        var order = Order(amount: 100m, quantity: 2).WithPayments(100m, 100m).Delivered(1);

        var findings = Evaluate(order, asOf: PaidAt + DefaultSla);

        findings.Single(f => f.Kind == FindingKind.DuplicateCharge).CompensationAmount.Should().Be(100m);
        findings.Single(f => f.Kind == FindingKind.PartiallyDelivered).CompensationAmount.Should().Be(50m);
        findings.Should().HaveCount(2);
    }

    [Fact]
    public void Evaluate_RaisesOnlyPendingBesideTheDuplicate_WhenDuplicateOrderIsStillWithinTheSla()
    {
        var order = Order(amount: 100m).WithPayments(100m, 100m);

        var findings = Evaluate(order, asOf: PaidAt.AddMinutes(5));

        findings.Select(f => f.Kind).Should().BeEquivalentTo(new[] { FindingKind.DuplicateCharge, FindingKind.Pending });
        findings.Single(f => f.Kind == FindingKind.DuplicateCharge).CompensationAmount.Should().Be(100m);
    }
}
