using Reconciler.Core.Evidence;
using Reconciler.Formats.Detection;
using Reconciler.Formats.Providers;

namespace Reconciler.Formats.Tests.Providers;

public class AlipayTradeReaderTests
{
    private const string ExampleZip = "20881234567890120156_20261118.csv.zip";

    [Fact]
    public void Detect_ReadsDetailEntryAndSkipsSummary_WhenRealDownloadZip()
    {
        var detector = new FormatDetector(ProviderReaders.Create(new FormatOptions()));

        var detected = detector.Detect(ProviderFixtures.PathOf(ExampleZip));

        detected.Entries.Should().ContainSingle();
        var entry = detected.Entries[0];
        entry.SourceName.Should().Be($"{ExampleZip}!20881234567890120156_20261118_业务明细.csv");
        entry.Reader.Format.Should().Be("alipay-trade");
        detected.SkippedEntries.Should().ContainSingle().Which.Should().Contain("业务明细(汇总).csv");

        using var stream = entry.Open();
        var outcome = ProviderFixtures.Read(entry.Reader, stream, entry.SourceName);
        outcome.Rejection.Should().BeNull();
        outcome.Quarantined.Should().BeEmpty();
        outcome.Settlements.Should().HaveCount(17).And.OnlyContain(s => s.EntryType == SettlementEntryType.Payment);
        outcome.Settlements.Sum(s => s.Gross).Should().Be(3151.90m);
        outcome.Context.Provider.Should().Be("alipay");
        outcome.Context.PeriodStart.Should().Be(new DateOnly(2026, 11, 18));
        outcome.Context.PeriodEnd.Should().Be(new DateOnly(2026, 11, 18));
        outcome.Context.ControlSummary.Should().Contain("17笔 3151.90元");
    }

    [Fact]
    public void Read_TrimsTabSuffixedIds_WhenIdCellsEndWithTab()
    {
        var outcome = ProviderFixtures.Read(new AlipayTradeReader(), "alipay_trade_with_refund.csv");

        var first = outcome.Rows[0].Should().BeOfType<SettlementRow>().Subject;
        first.LineNumber.Should().Be(6);
        first.Settlement.Should().BeEquivalentTo(new SettlementRecord(
            "alipay",
            SettlementEntryType.Payment,
            "2026111822001457132215672841",
            "2026111822001457132215672841",
            "KM202611180000019",
            6.00m,
            0.04m,
            5.96m,
            "CNY",
            new DateTimeOffset(2026, 11, 17, 16, 1, 8, TimeSpan.Zero),
            "交易"));
    }

    [Fact]
    public void Read_YieldsUnsignedRefundWithItsBatchNumber_WhenRefundAmountsAreNegative()
    {
        var outcome = ProviderFixtures.Read(new AlipayTradeReader(), "alipay_trade_with_refund.csv");

        outcome.Rejection.Should().BeNull();
        var refund = outcome.Settlements.Should().ContainSingle(s => s.EntryType == SettlementEntryType.Refund).Subject;
        refund.Gross.Should().Be(6.00m);
        refund.EntryRef.Should().Be("2026111722001450889511371703KM01");
        refund.ProviderTxnId.Should().Be("2026111722001450889511371703");
        refund.OrderNo.Should().Be("KM202611170000021");
        refund.OccurredAt.Should().Be(new DateTimeOffset(2026, 11, 18, 1, 10, 0, TimeSpan.Zero), "an empty 完成时间 falls back to 创建时间");
    }

    [Fact]
    public void Read_RejectsWholeFileAfterRows_WhenFooterIsMissing()
    {
        var outcome = ProviderFixtures.Read(new AlipayTradeReader(), "alipay_trade_truncated.csv");

        outcome.Settlements.Should().HaveCount(2);
        outcome.Rejection.Should().NotBeNull();
        outcome.Rejection!.Kind.Should().Be(RejectionKind.ControlTotals);
        outcome.Rejection.Message.Should().Contain("alipay_trade_truncated.csv")
            .And.Contain("#交易合计 is missing")
            .And.Contain("the whole file was rejected");
    }

    [Fact]
    public void Read_RejectsWholeFileNamingBothFigures_WhenFooterSumsDisagree()
    {
        var outcome = ProviderFixtures.Read(new AlipayTradeReader(), "alipay_trade_footer_disagrees.csv");

        outcome.Rejection.Should().NotBeNull();
        outcome.Rejection!.Kind.Should().Be(RejectionKind.ControlTotals);
        outcome.Rejection.Message.Should().Contain("declares 3笔 660.00元").And.Contain("hold 2笔 654.00元");
    }

    [Fact]
    public void Read_QuarantinesRowNamingLineAndField_WhenAmountIsNotANumber()
    {
        var outcome = ProviderFixtures.Read(new AlipayTradeReader(), "alipay_trade_bad_row.csv");

        var bad = outcome.Quarantined.Should().ContainSingle().Subject;
        bad.LineNumber.Should().Be(7);
        bad.Reason.Should().Be("alipay_trade_bad_row.csv line 7, field 商家实收（元）: '6四8.00' is not an amount");
        bad.RawText.Should().Contain("原神创世结晶6480").And.Contain("6四8.00");
        outcome.Settlements.Should().ContainSingle();
        outcome.Rejection.Should().NotBeNull("the footer's sum cannot be verified without the bad row's amount");
    }

    [Fact]
    public void Read_QuarantinesRow_WhenCommaInProductNameShiftsTheColumns()
    {
        var text = TextEncodings.Gbk.GetString(File.ReadAllBytes(ProviderFixtures.PathOf("alipay_trade_with_refund.csv")))
            .Replace("原神创世结晶6480", "原神,创世结晶6480", StringComparison.Ordinal);
        using var stream = new MemoryStream(TextEncodings.Gbk.GetBytes(text));

        var outcome = ProviderFixtures.Read(new AlipayTradeReader(), stream, "shifted.csv");

        var bad = outcome.Quarantined.Should().ContainSingle().Subject;
        bad.LineNumber.Should().Be(7);
        bad.Reason.Should().StartWith("shifted.csv line 7: has 26 cells where the header has 25");
        outcome.Rejection.Should().NotBeNull("the footer's sum cannot be verified without the shifted row");
    }

    [Fact]
    public void Recognises_IsFalse_WhenFileIsTheSummary()
    {
        const string summary = "#支付宝业务汇总查询\r\n#账号：[20881234567890120156]\r\n门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）\r\n合计,,17,0,3151.90,3151.90\r\n";
        var sample = new FileSample("summary.csv", TextEncodings.Gbk.GetBytes(summary));

        new AlipayTradeReader().Recognises(sample).Should().BeFalse();
        new AlipayLedgerReader().Recognises(sample).Should().BeFalse();
    }

    [Fact]
    public void Recognises_IsTrue_WhenHeaderHasTradeColumnsWithoutTitle()
    {
        var text = "支付宝交易号,商户订单号,业务类型,创建时间,完成时间,商家实收（元）,服务费（元）\r\n";
        var sample = new FileSample("detail.csv", TextEncodings.Gbk.GetBytes(text));

        new AlipayTradeReader().Recognises(sample).Should().BeTrue();
    }
}
