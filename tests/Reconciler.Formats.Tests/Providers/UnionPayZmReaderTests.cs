using Reconciler.Core.Evidence;
using Reconciler.Formats.Detection;
using Reconciler.Formats.Providers;

namespace Reconciler.Formats.Tests.Providers;

public class UnionPayZmReaderTests
{
    private const string Zm = "INN26010588ZM_777290058110097";

    [Fact]
    public void Read_ReadsAmountsInFenAndDecemberYear_WhenSettledInJanuary()
    {
        var outcome = ProviderFixtures.Read(new UnionPayZmReader(), Zm);

        outcome.Rejection.Should().BeNull();
        outcome.Context.PeriodStart.Should().Be(new DateOnly(2026, 1, 5));
        outcome.Settlements[0].Should().BeEquivalentTo(new SettlementRecord(
            "unionpay",
            SettlementEntryType.Payment,
            "512312359591234567890",
            "512312359591234567890",
            "KM202512310000001",
            49.80m,
            0.30m,
            49.50m,
            "CNY",
            new DateTimeOffset(2025, 12, 31, 15, 59, 59, TimeSpan.Zero),
            "S22"));
    }

    [Fact]
    public void Read_DecodesChineseOrderNoByBytes_WhenFieldHoldsGbkCharacters()
    {
        var outcome = ProviderFixtures.Read(new UnionPayZmReader(), Zm);

        var purchase = outcome.Rows[1].Should().BeOfType<SettlementRow>().Subject.Settlement;
        purchase.OrderNo.Should().Be("KM订单202601040002");
        purchase.Gross.Should().Be(648.00m);
        purchase.Fee.Should().Be(3.89m);
        purchase.Net.Should().Be(644.11m);
        purchase.OccurredAt.Should().Be(new DateTimeOffset(2026, 1, 4, 2, 15, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Read_YieldsRefundNamingItsPurchase_WhenCodeIsS30()
    {
        var outcome = ProviderFixtures.Read(new UnionPayZmReader(), Zm);

        var refund = outcome.Rows[2].Should().BeOfType<SettlementRow>().Subject.Settlement;
        refund.EntryType.Should().Be(SettlementEntryType.Refund);
        refund.ProviderTxnId.Should().Be("501041015001234567891");
        refund.EntryRef.Should().Be("501041200001234567892");
        refund.OrderNo.Should().Be("KM订单202601040002");
        refund.Fee.Should().Be(3.89m);
        outcome.Rows[3].Should().BeOfType<SettlementRow>().Which.Settlement.EntryType.Should().Be(SettlementEntryType.Other);
    }

    [Fact]
    public void Read_QuarantinesLinesNamingLineAndField_WhenShortOrAmountNotInFen()
    {
        var outcome = ProviderFixtures.Read(new UnionPayZmReader(), Zm);

        outcome.Quarantined.Should().HaveCount(2);
        outcome.Quarantined[0].LineNumber.Should().Be(5);
        outcome.Quarantined[0].Reason.Should().StartWith($"{Zm} line 5: is 200 bytes long, shorter than the");
        outcome.Quarantined[1].Reason.Should().Be($"{Zm} line 6, field 交易金额: '00000000X000' is not an amount in fen");
        outcome.Quarantined[1].RawText.Should().StartWith("S22 00000000001");
    }

    [Fact]
    public void Read_RejectsFile_WhenNameCarriesNoSettleDate()
    {
        using var stream = File.OpenRead(ProviderFixtures.PathOf(Zm));

        var outcome = ProviderFixtures.Read(new UnionPayZmReader(), stream, "zm.txt");

        outcome.Rows.Should().BeEmpty();
        outcome.Rejection.Should().NotBeNull();
        outcome.Rejection!.Kind.Should().Be(RejectionKind.Unreadable);
        outcome.Rejection.Message.Should().Contain("INNyyMMdd");
    }

    [Fact]
    public void Detect_ReadsGbkNamedEntry_WhenZmIsInsideZip()
    {
        var detector = new FormatDetector(ProviderReaders.Create(new FormatOptions()));

        var detected = detector.Detect(ProviderFixtures.PathOf("unionpay_20260105.zip"));

        var entry = detected.Entries.Should().ContainSingle().Subject;
        entry.SourceName.Should().Be("unionpay_20260105.zip!对账文件/INN26010588ZM_777290058110097");
        entry.Reader.Format.Should().Be("unionpay-zm");
        using var stream = entry.Open();
        var outcome = ProviderFixtures.Read(entry.Reader, stream, entry.SourceName);
        outcome.Settlements.Should().HaveCount(4);
        outcome.Context.PeriodEnd.Should().Be(new DateOnly(2026, 1, 5));
    }
}
