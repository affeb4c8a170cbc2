using System.Security.Cryptography;
using System.Text;
using Reconciler.Core.Matching;

namespace Reconciler.Core.Tests.Matching;

public class OrphanTests
{
    private static readonly DateTimeOffset OccurredAt = new(2026, 11, 18, 3, 0, 0, TimeSpan.Zero);

    private static PaymentEvidence Payment(string? orderNo = "KM999", string provider = "wechat", string txnId = "4200001234") =>
        new(provider, txnId, orderNo, 88.80m, "CNY", OccurredAt);

    [Fact]
    public void EvaluateOrphan_RaisesManualReviewForTheGross_WhenAPaymentNamesAnUnknownOrder()
    {
        var finding = MatchingRules.EvaluateOrphan(Payment());

        finding.Kind.Should().Be(FindingKind.OrphanCharge);
        finding.OrderNo.Should().Be("KM999");
        finding.Provider.Should().Be("wechat");
        finding.ProviderTxnId.Should().Be("4200001234");
        finding.ChargedAmount.Should().Be(88.80m);
        finding.ExpectedAmount.Should().BeNull();
        finding.Currency.Should().Be("CNY");
        finding.Action.Should().Be(CompensationAction.ManualReview);
        finding.IsAutomatic.Should().BeFalse();
        finding.CompensationAmount.Should().BeNull();
        finding.Vendor.Should().BeNull();
        finding.DeliveredQuantity.Should().BeNull();
        finding.OrderedQuantity.Should().BeNull();
        finding.Detail.Should().Be("payment names order KM999, which the platform does not know");
    }

    [Fact]
    public void EvaluateOrphan_DerivesTheIdFromProviderAndTransaction_WhenAPaymentIsOrphaned()
    {
        var expected = Convert.ToHexStringLower(
            SHA256.HashData(Encoding.UTF8.GetBytes("orphan\u001fwechat\u001f4200001234\u001forphan_charge"))[..12]);

        var finding = MatchingRules.EvaluateOrphan(Payment());

        finding.FindingId.Should().Be(expected);
        finding.FindingId.Should().Be(FindingIdentity.ForOrphan("wechat", "4200001234", FindingKind.OrphanCharge));
    }

    [Fact]
    public void EvaluateOrphan_KeepsTheSameId_WhenOnlyTheOrderNumberOrAmountDiffers()
    {
        var first = MatchingRules.EvaluateOrphan(Payment(orderNo: "KM1"));
        var second = MatchingRules.EvaluateOrphan(Payment(orderNo: null) with { Gross = 1m });

        second.FindingId.Should().Be(first.FindingId);
    }

    [Fact]
    public void EvaluateOrphan_GivesDifferentIds_WhenProviderOrTransactionDiffers()
    {
        var baseline = MatchingRules.EvaluateOrphan(Payment()).FindingId;

        MatchingRules.EvaluateOrphan(Payment(provider: "alipay")).FindingId.Should().NotBe(baseline);
        MatchingRules.EvaluateOrphan(Payment(txnId: "4200001235")).FindingId.Should().NotBe(baseline);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void EvaluateOrphan_LeavesTheOrderNumberNull_WhenThePaymentNamesNone(string? orderNo)
    {
        var finding = MatchingRules.EvaluateOrphan(Payment(orderNo));

        finding.OrderNo.Should().BeNull();
        finding.Detail.Should().Be("payment names no order number");
    }
}
