using Reconciler.Core.Matching;
using static Reconciler.Core.Tests.Matching.OrderEvidenceBuilder;

namespace Reconciler.Core.Tests.Matching;

public class PendingAndHoldLimitTests
{
    [Fact]
    public void Evaluate_RaisesPendingWithoutCompensation_WhenInFlightPastTheSlaButWithinTheHoldLimit()
    {
        var findings = Evaluate(PaidOrder().InFlight(), PaidAt + DefaultHoldLimit - TimeSpan.FromSeconds(1));

        findings.Should().ContainSingle();
        var finding = findings[0];
        finding.Kind.Should().Be(FindingKind.Pending);
        finding.FindingId.Should().Be(IdOf(FindingKind.Pending));
        finding.Action.Should().Be(CompensationAction.None);
        finding.IsAutomatic.Should().BeFalse();
        finding.CompensationAmount.Should().BeNull();
        finding.ChargedAmount.Should().Be(100m);
        finding.Detail.Should().Be("charged 100.00, delivery still in flight at the vendor (23 h 59 min since payment)");
    }

    [Fact]
    public void Evaluate_RaisesPendingWithinSla_WhenNotInFlightAndTheSlaHasNotPassed()
    {
        Evaluate(PaidOrder(), PaidAt.AddMinutes(12)).Should().ContainSingle()
            .Which.Detail.Should().Be("charged 100.00, within the delivery SLA (12 min since payment)");
    }

    [Fact]
    public void Evaluate_EscalatesToChargedNotDelivered_WhenInFlightForExactlyTheHoldLimit()
    {
        var findings = Evaluate(PaidOrder(amount: 100m).InFlight(), PaidAt + DefaultHoldLimit);

        findings.Should().ContainSingle();
        var finding = findings[0];
        finding.Kind.Should().Be(FindingKind.ChargedNotDelivered);
        finding.Action.Should().Be(CompensationAction.Refund);
        finding.CompensationAmount.Should().Be(100m);
        finding.Detail.Should().Be("charged 100.00, nothing delivered; escalated: in flight for 24 h 0 min, past the hold limit");
    }

    [Fact]
    public void Evaluate_UsesThePolicysHoldLimit_WhenOneIsConfigured()
    {
        var policy = new MatchingPolicy { HoldLimit = TimeSpan.FromHours(2) };
        var order = PaidOrder().InFlight();

        Evaluate(order, PaidAt.AddHours(2).AddSeconds(-1), policy).Should().ContainSingle()
            .Which.Kind.Should().Be(FindingKind.Pending);
        Evaluate(order, PaidAt.AddHours(2), policy).Should().ContainSingle()
            .Which.Kind.Should().Be(FindingKind.ChargedNotDelivered);
        Evaluate(order, PaidAt.AddHours(2)).Should().ContainSingle()
            .Which.Kind.Should().Be(FindingKind.Pending);
    }

    [Fact]
    public void Evaluate_GivesPendingAndItsEscalationDifferentIds_WhenTheSameOrderIsSeenTwice()
    {
        var order = PaidOrder().InFlight();

        var before = Evaluate(order, PaidAt.AddHours(1)).Single();
        var after = Evaluate(order, PaidAt.AddHours(24)).Single();

        before.FindingId.Should().Be(IdOf(FindingKind.Pending));
        after.FindingId.Should().Be(IdOf(FindingKind.ChargedNotDelivered));
        after.FindingId.Should().NotBe(before.FindingId);
    }

    [Fact]
    public void Evaluate_ReturnsTheSameFindings_WhenEvaluatedTwice()
    {
        var rules = new MatchingRules(new MatchingPolicy());
        var order = Order(amount: 100m).WithPayments(100m, 100m);
        var window = WindowAt(PaidAt.AddHours(1));

        rules.Evaluate(order, window).Should().Equal(rules.Evaluate(order, window));
    }

    [Fact]
    public void Constructor_Throws_WhenThePolicyIsNull()
    {
        var construct = () => new MatchingRules(null!);

        construct.Should().Throw<ArgumentNullException>().WithParameterName("policy");
    }
}
