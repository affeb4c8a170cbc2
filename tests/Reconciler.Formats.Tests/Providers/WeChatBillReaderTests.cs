using CsCheck;
using System.Text;
using Reconciler.Core.Evidence;
using Reconciler.Formats.Providers;
using Reconciler.Formats.Tests.Support;

namespace Reconciler.Formats.Tests.Providers;

public class WeChatBillReaderTests
{
    private const string ExampleBill = $"{TestFiles.ExampleDay}/providers/wechat/wechat_bill_ALL_20261118.csv";

    private readonly WeChatBillReader _reader = new();

    [Fact]
    public void Read_ImportsEveryPaymentAndStatesTheControls_WhenGivenTheExampleAllBill()
    {
        var context = TestFiles.Context("wechat_bill_ALL_20261118.csv");

        var rows = TestFiles.ReadFixture(_reader, ExampleBill, context);

        rows.Should().HaveCount(29).And.AllBeOfType<SettlementRow>();
        rows.Select(r => r.LineNumber).Should().Equal(Enumerable.Range(2, 29).Select(n => (long)n));
        context.Provider.Should().Be("wechat");
        context.ControlSummary.Should().Be("29 rows, settled 5713.30, refunded 0.00, fees 34.27980");
        context.PeriodStart.Should().Be(new DateOnly(2026, 11, 18));
        context.PeriodEnd.Should().Be(new DateOnly(2026, 11, 18));
        rows.Cast<SettlementRow>().Sum(r => r.Settlement.Gross).Should().Be(5713.30m);
    }

    [Fact]
    public void Read_StripsBackticksAndConvertsBeijingTimeToUtc_WhenReadingAPaymentRow()
    {
        var rows = TestFiles.ReadFixture(_reader, ExampleBill);

        var payment = rows.Cast<SettlementRow>().Single(r => r.Settlement.OrderNo == "KM202611180000013").Settlement;
        payment.Should().Be(new SettlementRecord(
            Provider: "wechat",
            EntryType: SettlementEntryType.Payment,
            ProviderTxnId: "4200002703742447978910244859",
            EntryRef: "4200002703742447978910244859",
            OrderNo: "KM202611180000013",
            Gross: 648.00m,
            Fee: 3.88800m,
            Net: 644.11200m,
            Currency: "CNY",
            OccurredAt: new DateTimeOffset(2026, 11, 17, 16, 19, 11, TimeSpan.Zero),
            ProviderStatus: "SUCCESS"));
    }

    [Fact]
    public void Read_ReadsTheSameRows_WhenTheBillWasDownloadedTwiceUnderAnotherName()
    {
        var context = TestFiles.Context("1900000109_20261118_all (1).csv");

        var again = TestFiles.ReadFixture(_reader, $"{TestFiles.ExampleDay}/providers/wechat/1900000109_20261118_all (1).csv", context);

        again.Should().BeEquivalentTo(TestFiles.ReadFixture(_reader, ExampleBill), o => o.WithStrictOrdering());
        context.PeriodStart.Should().Be(new DateOnly(2026, 11, 18));
    }

    [Fact]
    public void Read_TurnsRefundRowsIntoUnsignedRefunds_WhenAnAllBillHoldsRefunds()
    {
        var context = TestFiles.Context("wechat_bill_ALL_refunds_20261119.csv");

        var rows = TestFiles.ReadFixture(_reader, "WeChat/wechat_bill_ALL_refunds_20261119.csv", context).Cast<SettlementRow>().ToList();

        rows.Select(r => r.Settlement.EntryType).Should().Equal(
            SettlementEntryType.Payment, SettlementEntryType.Payment, SettlementEntryType.Refund, SettlementEntryType.Other);
        var refund = rows[2].Settlement;
        refund.Gross.Should().Be(648.00m);
        refund.EntryRef.Should().Be("50300000000000000000000000001");
        refund.ProviderTxnId.Should().Be("4200002000000000000000000002");
        refund.OrderNo.Should().Be("KM202611190000002");
        refund.Fee.Should().Be(-3.88800m);
        refund.Net.Should().Be(644.11200m);
        refund.OccurredAt.Should().Be(new DateTimeOffset(2026, 11, 19, 2, 15, 42, TimeSpan.Zero));
        refund.ProviderStatus.Should().Be("REFUND/SUCCESS");
        rows[3].Settlement.ProviderStatus.Should().Be("REVOKED");
        context.ControlSummary.Should().Be("4 rows, settled 679.00, refunded 648.00, fees 0.07800");
    }

    [Fact]
    public void Read_ImportsPayments_WhenTheBillTypeIsSuccess()
    {
        var rows = TestFiles.ReadFixture(_reader, "WeChat/1900000109_20261118_success.csv");

        rows.Should().HaveCount(2).And.AllSatisfy(r =>
            r.Should().BeOfType<SettlementRow>().Which.Settlement.EntryType.Should().Be(SettlementEntryType.Payment));
    }

    [Fact]
    public void Read_TimesTheRefundWhenItSucceeded_WhenTheBillTypeIsRefund()
    {
        var rows = TestFiles.ReadFixture(_reader, "WeChat/1900000109_20261118_refund.csv");

        var refund = rows.Single().Should().BeOfType<SettlementRow>().Subject.Settlement;
        refund.EntryType.Should().Be(SettlementEntryType.Refund);
        refund.Gross.Should().Be(99.50m);
        refund.EntryRef.Should().Be("50300000000000000000000000077");
        refund.ProviderTxnId.Should().Be("4200002000000000000000000077");
        refund.OrderNo.Should().Be("KM202611170000077");
        refund.OccurredAt.Should().Be(new DateTimeOffset(2026, 11, 18, 1, 12, 31, TimeSpan.Zero));
    }

    [Fact]
    public void Read_AcceptsTheLegacyLayout_WhenColumnsSay总金额And总交易额()
    {
        var context = TestFiles.Context("wechat_legacy_20261116.csv");

        var rows = TestFiles.ReadFixture(_reader, "WeChat/wechat_legacy_20261116.csv", context).Cast<SettlementRow>().ToList();

        rows.Select(r => (r.Settlement.EntryType, r.Settlement.Gross)).Should().Equal(
            (SettlementEntryType.Payment, 49.80m), (SettlementEntryType.Payment, 25.00m), (SettlementEntryType.Refund, 25.00m));
        context.ControlSummary.Should().Be("3 rows, settled 74.80, refunded 25.00, fees 0.29880");
    }

    [Fact]
    public void Read_RejectsTheWholeFileAfterItsRows_WhenTheSummaryIsMissing()
    {
        var lines = File.ReadAllLines(TestFiles.PathOf(ExampleBill));
        var truncated = string.Join("\r\n", lines.Take(26)) + "\r\n";
        var yielded = new List<ParsedRow>();

        var read = () =>
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(truncated));
            yielded.AddRange(_reader.Read(stream, TestFiles.Context("wechat_bill_ALL_20261118.csv")));
        };

        read.Should().Throw<FileRejectedException>()
            .Where(e => e.Kind == RejectionKind.ControlTotals)
            .WithMessage("wechat_bill_ALL_20261118.csv: no summary row (总交易单数) after 25 rows / * — truncated download? the whole file was rejected");
        yielded.Should().HaveCount(25);
    }

    [Fact]
    public void Read_RejectsTheWholeFile_WhenRowsAreMissingBeforeTheSummary()
    {
        var lines = File.ReadAllLines(TestFiles.PathOf(ExampleBill)).ToList();
        lines.RemoveRange(26, 4);
        var text = string.Join("\r\n", lines);
        var settled = lines.Skip(1).Take(25).Sum(l => decimal.Parse(l.Split(',')[12].TrimStart('`'), System.Globalization.CultureInfo.InvariantCulture));

        var read = () => TestFiles.ReadText(_reader, text, "wechat_bill_ALL_20261118.csv");

        read.Should().Throw<FileRejectedException>()
            .Where(e => e.Kind == RejectionKind.ControlTotals)
            .WithMessage(
                $"wechat_bill_ALL_20261118.csv: summary says 29 rows / 5713.30 but the file holds 25 rows / {settled.ToString(System.Globalization.CultureInfo.InvariantCulture)} — truncated download? the whole file was rejected");
    }

    [Fact]
    public void Read_RejectsTheWholeFile_WhenTheRefundTotalDisagrees()
    {
        var text = File.ReadAllText(TestFiles.PathOf("WeChat/wechat_bill_ALL_refunds_20261119.csv"))
            .Replace("`4,`679.00,`648.00", "`4,`679.00,`600.00", StringComparison.Ordinal);

        var read = () => TestFiles.ReadText(_reader, text, "bill.csv");

        read.Should().Throw<FileRejectedException>().WithMessage("*refunded 600.00 but the file holds * refunded 648.00*");
    }

    [Fact]
    public void Read_QuarantinesABadRowAndStillChecksControls_WhenOneTimeIsMangled()
    {
        var text = File.ReadAllText(TestFiles.PathOf("WeChat/wechat_bill_ALL_refunds_20261119.csv"))
            .Replace("`2026-11-19 08:00:05", "`2026-11-19 8h", StringComparison.Ordinal);

        var rows = TestFiles.ReadText(_reader, text, "bill.csv");

        rows.Should().HaveCount(4);
        rows[0].Should().BeOfType<QuarantinedRow>().Which.Reason
            .Should().Be("bill.csv line 2, field 交易时间: '2026-11-19 8h' is not a time of the form yyyy-MM-dd HH:mm:ss");
        rows[0].LineNumber.Should().Be(2);
    }

    [Fact]
    public void Read_QuarantinesTheRow_WhenItHasTheWrongNumberOfFields()
    {
        var text = File.ReadAllText(TestFiles.PathOf("WeChat/1900000109_20261118_success.csv"))
            .Replace("`原神创世结晶6480", "`原神,创世结晶6480", StringComparison.Ordinal);

        var rows = TestFiles.ReadText(_reader, text, "bill.csv");

        rows[0].Should().BeOfType<QuarantinedRow>().Which.Reason.Should().Be("bill.csv line 2: expected 20 fields, found 21");
        rows[1].Should().BeOfType<SettlementRow>();
    }

    [Fact]
    public void Read_RejectsAsNoBill_WhenWeChatAnsweredNoBillExist()
    {
        var read = () => TestFiles.ReadFixture(_reader, "WeChat/no_bill_20261118.csv");

        read.Should().Throw<FileRejectedException>()
            .Where(e => e.Kind == RejectionKind.NoBill)
            .WithMessage("no_bill_20261118.csv: WeChat Pay says there is no bill for that date (No Bill Exist)");
    }

    [Fact]
    public void Read_RejectsWithWeChatsMessage_WhenTheXmlNamesAnotherError()
    {
        var read = () => TestFiles.ReadFixture(_reader, "WeChat/bad_sign_20261118.csv");

        read.Should().Throw<FileRejectedException>()
            .Where(e => e.Kind == RejectionKind.Unreadable)
            .WithMessage("bad_sign_20261118.csv: WeChat Pay sent an error instead of a bill (签名错误)*");
    }

    [Fact]
    public void Recognises_IsTrue_ForBillsOfEveryTypeAndForTheXmlErrorBody()
    {
        _reader.Recognises(TestFiles.Sample(ExampleBill)).Should().BeTrue();
        _reader.Recognises(TestFiles.Sample("WeChat/1900000109_20261118_refund.csv")).Should().BeTrue();
        _reader.Recognises(TestFiles.Sample("WeChat/wechat_legacy_20261116.csv")).Should().BeTrue();
        _reader.Recognises(TestFiles.Sample("WeChat/no_bill_20261118.csv")).Should().BeTrue();
        _reader.Recognises(TestFiles.Sample($"{TestFiles.ExampleDay}/platform/orders_20261118.csv")).Should().BeFalse();
    }
}

public class WeChatBillValuesTests
{
    // Commas, backticks, blanks .NET trims (ASCII and not: U+3000, U+00A0) and ordinary text, in any order.
    private static readonly Gen<string> Line =
        Gen.Char[",` \t\u3000\u00a0a1.中"].Array[0, 40].Select(chars => new string(chars));

    [Fact]
    public void SplitValues_CutsEachValueAsSplittingTrimmingAndTakingOneBacktickDid()
    {
        Line.Sample(line =>
        {
            var expected = line.Split(',').Select(v => v.Trim()).Select(v => v.StartsWith('`') ? v[1..] : v).ToArray();
            WeChatBillReader.SplitValues(line).Should().Equal(expected, "line '{0}'", line);
        });
    }
}
