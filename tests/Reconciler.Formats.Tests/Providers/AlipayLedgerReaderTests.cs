using Reconciler.Core.Evidence;
using Reconciler.Formats.Providers;

namespace Reconciler.Formats.Tests.Providers;

public class AlipayLedgerReaderTests
{
    private const string Ledger = "alipay_ledger_20261118.csv";

    [Fact]
    public void Read_MapsBusinessTypes_WhenLedgerHasPaymentFeeRefundAndWithdrawal()
    {
        var outcome = ProviderFixtures.Read(new AlipayLedgerReader(), Ledger);

        outcome.Rejection.Should().BeNull();
        outcome.Quarantined.Should().BeEmpty();
        var rows = outcome.Settlements;
        rows.Select(s => s.EntryType).Should().Equal(
            SettlementEntryType.Payment, SettlementEntryType.Fee, SettlementEntryType.Refund, SettlementEntryType.Payout);
        rows[0].EntryRef.Should().Be("2026111822001457132215672841", "a payment is named by its trade number, as in the business detail file");
        rows[0].Gross.Should().Be(6.00m);
        rows[1].EntryRef.Should().Be("20261118300100002");
        rows[1].Gross.Should().Be(0.04m);
        rows[2].EntryRef.Should().Be("20261118300100003");
        rows[2].ProviderTxnId.Should().Be("2026111722001450889511371703");
        rows[2].Gross.Should().Be(6.00m);
        rows[3].OrderNo.Should().BeNull();
        rows[3].Gross.Should().Be(900.00m);
        outcome.Context.PeriodStart.Should().Be(new DateOnly(2026, 11, 18));
    }

    [Fact]
    public void Read_RejectsWholeFile_WhenFooterIncomeTotalDisagrees()
    {
        var text = TextEncodings.Gbk.GetString(File.ReadAllBytes(ProviderFixtures.PathOf(Ledger)))
            .Replace("#收入合计：1笔，共6.00元", "#收入合计：2笔，共12.00元", StringComparison.Ordinal);
        using var stream = new MemoryStream(TextEncodings.Gbk.GetBytes(text));

        var outcome = ProviderFixtures.Read(new AlipayLedgerReader(), stream, Ledger);

        outcome.Rejection.Should().NotBeNull();
        outcome.Rejection!.Kind.Should().Be(RejectionKind.ControlTotals);
        outcome.Rejection.Message.Should().Contain("#收入合计 declares 2笔 12.00元 but the rows hold 1笔 6.00元");
    }

    [Fact]
    public void Read_RejectsWholeFile_WhenListEndMarkerIsMissing()
    {
        var text = TextEncodings.Gbk.GetString(File.ReadAllBytes(ProviderFixtures.PathOf(Ledger)));
        var cut = text[..text.IndexOf("#------", text.IndexOf("提现", StringComparison.Ordinal), StringComparison.Ordinal)];
        using var stream = new MemoryStream(TextEncodings.Gbk.GetBytes(cut));

        var outcome = ProviderFixtures.Read(new AlipayLedgerReader(), stream, Ledger);

        outcome.Settlements.Should().HaveCount(4);
        outcome.Rejection.Should().NotBeNull();
        outcome.Rejection!.Message.Should().Contain("账务明细列表结束").And.Contain("the whole file was rejected");
    }

    [Fact]
    public void Recognises_ClaimsOnlyTheLedger_WhenBothAlipayFilesAreOffered()
    {
        new AlipayLedgerReader().Recognises(ProviderFixtures.Sample(Ledger)).Should().BeTrue();
        new AlipayTradeReader().Recognises(ProviderFixtures.Sample(Ledger)).Should().BeFalse();
        new AlipayLedgerReader().Recognises(ProviderFixtures.Sample("alipay_trade_with_refund.csv")).Should().BeFalse();
    }
}
