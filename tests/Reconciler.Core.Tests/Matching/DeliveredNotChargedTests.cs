using Reconciler.Core.Matching;
using static Reconciler.Core.Tests.Matching.OrderEvidenceBuilder;

namespace Reconciler.Core.Tests.Matching;

public class DeliveredNotChargedTests
{
    private static readonly DateTimeOffset DayEnd = Calendar.EndOf(Date);

    private static readonly DateTimeOffset NextMorning = DayEnd.AddHours(10);

    private static OrderEvidence DeliveredUnpaid(DateTimeOffset createdAt) => Order() with { CreatedAt = createdAt, DeliveredQuantity = 1, Vendor = "fulu" };

    [Fact]
    public void Evaluate_RaisesManualReview_WhenCreatedOneSecondBeforeTheDayEndLessTheGrace()
    {
        var findings = Evaluate(DeliveredUnpaid(DayEnd - DefaultGrace - TimeSpan.FromSeconds(1)), NextMorning);

        findings.Should().ContainSingle();
        var finding = findings[0];
        finding.Kind.Should().Be(FindingKind.DeliveredNotCharged);
        finding.FindingId.Should().Be(IdOf(FindingKind.DeliveredNotCharged));
        finding.Action.Should().Be(CompensationAction.ManualReview);
        finding.IsAutomatic.Should().BeFalse();
        finding.CompensationAmount.Should().BeNull();
        finding.ChargedAmount.Should().Be(0m);
        finding.ExpectedAmount.Should().Be(100m);
        finding.DeliveredQuantity.Should().Be(1);
        finding.Provider.Should().Be("wechat");
        finding.ProviderTxnId.Should().BeNull();
    }

    [Fact]
    public void Evaluate_RaisesPending_WhenCreatedExactlyAtTheDayEndLessTheGrace()
    {
        var findings = Evaluate(DeliveredUnpaid(DayEnd - DefaultGrace), NextMorning);

        findings.Should().ContainSingle()
            .Which.Should().Match<Finding>(f => f.Kind == FindingKind.Pending && f.Action == CompensationAction.None && f.CompensationAmount == null);
    }

    [Fact]
    public void Evaluate_CountsADeliveryToAnotherAccountAsDelivered_WhenNothingWasCharged()
    {
        var order = Order().DeliveredToWrongAccount(2) with { Quantity = 2 };

        var findings = Evaluate(order, NextMorning);

        findings.Should().ContainSingle(f => f.Kind == FindingKind.DeliveredNotCharged)
            .Which.DeliveredQuantity.Should().Be(2);
        findings.Select(f => f.Kind).Should().BeEquivalentTo([FindingKind.DeliveredNotCharged, FindingKind.DeliveredWrongAccount]);
    }

    [Fact]
    public void Evaluate_RaisesNothing_WhenNothingWasDeliveredOrCharged()
    {
        Evaluate(Order(), NextMorning).Should().BeEmpty();
    }

    [Fact]
    public void Evaluate_RaisesNothing_WhenTheCallbackArrivedButNoSettlementOrDeliveryDid()
    {
        Evaluate(Order() with { PaidAt = PaidAt }, NextMorning).Should().BeEmpty();
    }

    [Fact]
    public void Evaluate_RaisesNoDeliveredNotCharged_WhenTheOrderWasPaidAndThenRefunded()
    {
        Evaluate(PaidOrder().Refunded(100m).Delivered(1), NextMorning).Should().BeEmpty();
    }

    [Fact]
    public void Evaluate_UsesThePolicysSettlementGrace_WhenOneIsConfigured()
    {
        var policy = new MatchingPolicy { SettlementGrace = TimeSpan.FromHours(1) };
        var order = DeliveredUnpaid(DayEnd.AddMinutes(-30));

        Evaluate(order, NextMorning, policy).Should().ContainSingle().Which.Kind.Should().Be(FindingKind.Pending);
        Evaluate(order, NextMorning).Should().ContainSingle().Which.Kind.Should().Be(FindingKind.DeliveredNotCharged);
    }

    [Fact]
    public void Evaluate_RaisesPendingSettlementFileMissing_WhenDeliveredAndTheChannelsFileIsMissing()
    {
        var order = DeliveredUnpaid(CreatedAt) with { SettlementMissing = true };

        var findings = Evaluate(order, NextMorning);

        findings.Should().ContainSingle()
            .Which.Should().Match<Finding>(f =>
                f.Kind == FindingKind.Pending && f.Action == CompensationAction.None && f.Detail == "settlement file missing for wechat");
    }

    [Fact]
    public void Evaluate_RaisesPendingSettlementFileMissing_WhenOnlyTheCallbackArrivedAndTheChannelsFileIsMissing()
    {
        var order = Order() with { PaidAt = PaidAt, SettlementMissing = true };

        Evaluate(order, NextMorning).Should().ContainSingle()
            .Which.Detail.Should().Be("settlement file missing for wechat");
    }

    [Fact]
    public void Evaluate_RaisesNothing_WhenTheChannelsFileIsMissingButTheOrderShowsNoSignOfPaymentOrDelivery()
    {
        Evaluate(Order() with { SettlementMissing = true }, NextMorning).Should().BeEmpty();
    }
}
