using Reconciler.Core.Evidence;
using Reconciler.Formats.Providers;

namespace Reconciler.Formats.Tests.Providers;

public class StripeReportReaderTests
{
    private const string Payout = "payout_reconciliation_2026-11-18.csv";
    private const string Balance = "balance_change_2026-11-18.csv";

    [Fact]
    public void Read_ReadsChargesWithQuotedChineseDescription_WhenRealPayoutReport()
    {
        var outcome = ProviderFixtures.Read(new StripePayoutReconciliationReader(), Payout);

        outcome.Rejection.Should().BeNull();
        outcome.Quarantined.Should().BeEmpty();
        outcome.Settlements.Should().HaveCount(8).And.OnlyContain(s => s.EntryType == SettlementEntryType.Payment);
        outcome.Settlements[0].Should().BeEquivalentTo(new SettlementRecord(
            "stripe",
            SettlementEntryType.Payment,
            "ch_3058776KsPSWqPfFKYFrdeqjs",
            "ch_3058776KsPSWqPfFKYFrdeqjs",
            "KM202611180000041",
            7.01m,
            0.50m,
            6.51m,
            "USD",
            new DateTimeOffset(2026, 11, 17, 17, 35, 38, TimeSpan.Zero),
            "charge"));
        outcome.Rows[0].LineNumber.Should().Be(2);
        outcome.Context.Provider.Should().Be("stripe");
    }

    [Fact]
    public void Read_TakesOrderNoFromConfiguredMetadataKey_WhenKeyIsNotDefault()
    {
        var configured = ProviderFixtures.Read(new StripeBalanceChangeReader(), Balance, new FormatOptions { StripeOrderMetadataKey = "merchant_order" });
        var defaulted = ProviderFixtures.Read(new StripeBalanceChangeReader(), Balance);

        configured.Settlements[0].OrderNo.Should().Be("KM202611180000041");
        defaulted.Settlements[0].OrderNo.Should().Be("WRONG-KEY");
    }

    [Fact]
    public void Read_MapsReportingCategories_WhenBalanceReportHasRefundDisputePayoutAndFees()
    {
        var outcome = ProviderFixtures.Read(new StripeBalanceChangeReader(), Balance);

        var rows = outcome.Rows.OfType<SettlementRow>().ToList();
        rows.Select(r => (r.LineNumber, r.Settlement.EntryType)).Should().Equal(
            (2L, SettlementEntryType.Payment),
            (3L, SettlementEntryType.Refund),
            (5L, SettlementEntryType.Chargeback),
            (6L, SettlementEntryType.ChargebackReversal),
            (7L, SettlementEntryType.Payout),
            (8L, SettlementEntryType.Fee),
            (9L, SettlementEntryType.Fee));
        var refund = rows[1].Settlement;
        refund.Gross.Should().Be(7.01m);
        refund.EntryRef.Should().Be("re_3058776KsPSWqPfFRefund01");
        refund.ProviderTxnId.Should().Be("ch_3058776KsPSWqPfFKYFrdeqjs", "a refund names the charge it refunds");
        var dispute = rows[2].Settlement;
        dispute.EntryRef.Should().Be("dp_1QkZ9aDisputeA");
        dispute.ProviderTxnId.Should().Be("ch_3420826GyAvmfWxFhKZADxpZz");
        dispute.Gross.Should().Be(28.17m);
        rows[4].Settlement.EntryRef.Should().Be("po_1QkZ8e");
        rows.Skip(1).Should().OnlyContain(r => r.Settlement.EntryType != SettlementEntryType.Payment);
    }

    [Fact]
    public void Read_QuarantinesRowNamingLineAndField_WhenGrossIsNotAnAmount()
    {
        var outcome = ProviderFixtures.Read(new StripeBalanceChangeReader(), Balance);

        var bad = outcome.Quarantined.Should().ContainSingle().Subject;
        bad.LineNumber.Should().Be(10);
        bad.Reason.Should().Be($"{Balance} line 10, field gross: 'abc' is not an amount");
        bad.RawText.Should().StartWith("txn_107,");
    }

    [Fact]
    public void Recognises_TellsThePayoutFlavourFromTheBalanceFlavour_ByAutomaticPayoutColumns()
    {
        new StripePayoutReconciliationReader().Recognises(ProviderFixtures.Sample(Payout)).Should().BeTrue();
        new StripeBalanceChangeReader().Recognises(ProviderFixtures.Sample(Payout)).Should().BeFalse();
        new StripeBalanceChangeReader().Recognises(ProviderFixtures.Sample(Balance)).Should().BeTrue();
        new StripePayoutReconciliationReader().Recognises(ProviderFixtures.Sample(Balance)).Should().BeFalse();
    }
}
