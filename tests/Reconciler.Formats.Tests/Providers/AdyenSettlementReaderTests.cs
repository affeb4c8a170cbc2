using Reconciler.Core.Evidence;
using Reconciler.Formats.Providers;

namespace Reconciler.Formats.Tests.Providers;

public class AdyenSettlementReaderTests
{
    private const string Example = "settlement_detail_report_batch_412.csv";
    private const string Mixed = "adyen_settlement_mixed.csv";

    [Fact]
    public void Read_ConvertsCetWallClockToUtc_WhenRealSettlementReport()
    {
        var outcome = ProviderFixtures.Read(new AdyenSettlementReader(), Example);

        outcome.Rejection.Should().BeNull();
        outcome.Quarantined.Should().BeEmpty();
        var first = outcome.Settlements[0];
        first.Should().BeEquivalentTo(new SettlementRecord(
            "adyen",
            SettlementEntryType.Payment,
            "3832364056224154",
            "3832364056224154",
            "KM202611180000002",
            7.01m,
            0.14m,
            6.87m,
            "EUR",
            new DateTimeOffset(2026, 11, 17, 19, 18, 5, TimeSpan.Zero),
            "Settled"));
    }

    [Fact]
    public void Read_KeepsFeeAndPayoutLinesWithoutOrder_WhenBatchLinesHaveNoMerchantReference()
    {
        var outcome = ProviderFixtures.Read(new AdyenSettlementReader(), Example);

        outcome.Settlements.Where(s => s.EntryType == SettlementEntryType.Payment).Should().HaveCount(4);
        var fee = outcome.Settlements.Should().ContainSingle(s => s.EntryType == SettlementEntryType.Fee).Subject;
        fee.OrderNo.Should().BeNull();
        fee.Gross.Should().Be(0.12m);
        var payout = outcome.Settlements.Should().ContainSingle(s => s.EntryType == SettlementEntryType.Payout).Subject;
        payout.OrderNo.Should().BeNull();
        payout.Gross.Should().Be(48.92m);
        payout.EntryRef.Should().NotBe(fee.EntryRef);
    }

    [Fact]
    public void Read_ConvertsCestAndIanaZones_WhenRowsAreInJuly()
    {
        var outcome = ProviderFixtures.Read(new AdyenSettlementReader(), Mixed);

        var rows = outcome.Settlements;
        rows[0].EntryType.Should().Be(SettlementEntryType.Payment);
        rows[0].OccurredAt.Should().Be(new DateTimeOffset(2026, 7, 15, 8, 0, 0, TimeSpan.Zero));
        rows[0].Fee.Should().Be(0.48m);
        rows[2].EntryType.Should().Be(SettlementEntryType.Chargeback);
        rows[2].OccurredAt.Should().Be(new DateTimeOffset(2026, 7, 17, 9, 0, 0, TimeSpan.Zero), "Europe/Amsterdam is +2 in July");
    }

    [Fact]
    public void Read_MapsRefundChargebackReversalAndCosts_WhenMixedTypes()
    {
        var outcome = ProviderFixtures.Read(new AdyenSettlementReader(), Mixed);

        var rows = outcome.Settlements;
        rows.Select(s => s.EntryType).Should().Equal(
            SettlementEntryType.Payment,
            SettlementEntryType.Refund,
            SettlementEntryType.Chargeback,
            SettlementEntryType.ChargebackReversal,
            SettlementEntryType.Fee);
        rows[1].Gross.Should().Be(20.00m);
        rows[1].ProviderTxnId.Should().Be("8815000000000001");
        rows[1].EntryRef.Should().Be("8815000000000777");
        rows[3].Gross.Should().Be(15.00m);
        rows[4].OrderNo.Should().BeNull();
    }

    [Fact]
    public void Read_QuarantinesRowsNamingField_WhenDateOrZoneIsUnreadable()
    {
        var outcome = ProviderFixtures.Read(new AdyenSettlementReader(), Mixed);

        outcome.Quarantined.Select(q => q.Reason).Should().Equal(
            $"{Mixed} line 7, field Creation Date: '2026-13-01 10:00:00' is not a date",
            $"{Mixed} line 8, field TimeZone: 'XYZT' is not a known time zone");
        outcome.Quarantined[0].RawText.Should().StartWith("KamenCompany,KamenEUR,8815000000000003,");
    }
}
