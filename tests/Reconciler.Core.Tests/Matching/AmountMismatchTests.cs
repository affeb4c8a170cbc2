using Reconciler.Core.Matching;
using static Reconciler.Core.Tests.Matching.OrderEvidenceBuilder;

namespace Reconciler.Core.Tests.Matching;

public class AmountMismatchTests
{
    public static TheoryData<decimal> BeyondTolerance => new() { 100.02m, 99.98m, 150m, 0.01m };

    public static TheoryData<decimal> WithinTolerance => new() { 100.01m, 99.99m, 100m };

    [Theory]
    [MemberData(nameof(BeyondTolerance))]
    public void Evaluate_RaisesManualReview_WhenTheSinglePaymentDiffersByMoreThanOneCent(decimal gross)
    {
        var findings = Evaluate(Order(amount: 100m).WithPayments(gross).Delivered(1));

        findings.Should().ContainSingle();
        var finding = findings[0];
        finding.Kind.Should().Be(FindingKind.AmountMismatch);
        finding.FindingId.Should().Be(IdOf(FindingKind.AmountMismatch));
        finding.Action.Should().Be(CompensationAction.ManualReview);
        finding.IsAutomatic.Should().BeFalse();
        finding.CompensationAmount.Should().BeNull();
        finding.ExpectedAmount.Should().Be(100m);
        finding.ChargedAmount.Should().Be(gross);
    }

    [Theory]
    [MemberData(nameof(WithinTolerance))]
    public void Evaluate_RaisesNothing_WhenTheSinglePaymentIsWithinOneCent(decimal gross)
    {
        Evaluate(Order(amount: 100m).WithPayments(gross).Delivered(1)).Should().BeEmpty();
    }

    [Fact]
    public void Evaluate_ComparesTheGrossNotTheNet_WhenPartOfThePaymentWasRefunded()
    {
        Evaluate(PaidOrder(amount: 100m).Refunded(50m).Delivered(1)).Should().BeEmpty();
    }

    [Fact]
    public void Evaluate_LeavesTwoPaymentsToTheDuplicateRule_WhenTheirGrossDiffersFromTheOrder()
    {
        var findings = Evaluate(Order(amount: 100m).WithPayments(100.50m, 100.50m).Delivered(1));

        findings.Should().ContainSingle()
            .Which.Should().Match<Finding>(f => f.Kind == FindingKind.DuplicateCharge && f.CompensationAmount == 101.00m);
    }

    [Fact]
    public void Evaluate_RaisesNoMismatch_WhenThereIsNoPayment()
    {
        Evaluate(Order(amount: 100m)).Should().BeEmpty();
    }

    [Fact]
    public void Evaluate_UsesThePolicysTolerance_WhenOneIsConfigured()
    {
        var policy = new MatchingPolicy { AmountTolerance = 1.00m };

        Evaluate(Order(amount: 100m).WithPayments(101.00m).Delivered(1), policy: policy).Should().BeEmpty();
        Evaluate(Order(amount: 100m).WithPayments(101.01m).Delivered(1), policy: policy).Should().ContainSingle()
            .Which.Kind.Should().Be(FindingKind.AmountMismatch);
    }
}
