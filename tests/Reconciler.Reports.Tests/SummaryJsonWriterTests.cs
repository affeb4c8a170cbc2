using System.Text.Json;
using Reconciler.Core.Matching;
using Reconciler.Reports.Model;
using static Reconciler.Reports.Tests.SampleReports;

namespace Reconciler.Reports.Tests;

public class SummaryJsonWriterTests
{
    private static JsonElement Parse(RunReport report)
    {
        using var document = JsonDocument.Parse(WriteToString(SummaryJsonWriter.Write, report));
        return document.RootElement.Clone();
    }

    [Fact]
    public void TotalsJson_KeepsTheCountsAndLeavesTheListsOut_ForTheRunRow()
    {
        var report = Report();

        using var document = JsonDocument.Parse(SummaryJsonWriter.TotalsJson(report));
        var root = document.RootElement;

        root.GetProperty("finding_counts").GetProperty("total").GetInt64().Should().Be(report.Findings.Count);
        root.GetProperty("finding_counts").GetProperty("resolved").GetInt64().Should().Be(report.Resolved.Count);
        root.GetProperty("findings").GetArrayLength().Should().Be(0);
        root.GetProperty("resolved").GetArrayLength().Should().Be(0);
        root.GetProperty("kinds").GetArrayLength().Should().Be(report.Kinds.Count);
    }

    [Fact]
    public void Write_UsesSnakeCaseNamesInAStableOrder_ForTheTopLevel()
    {
        var root = Parse(Report());

        root.EnumerateObject().Select(p => p.Name).Should().Equal(
            "format_version", "incidents", "run", "files", "missing_settlements", "orders", "channels", "vendors", "kinds",
            "compensation_total", "finding_counts", "quarantined", "findings", "resolved");
        root.GetProperty("run").EnumerateObject().Select(p => p.Name).Should().Equal(
            "run_id", "business_date", "as_of", "started_at", "finished_at", "time_zone", "requested_by", "reason",
            "previous_run_id");
        root.GetProperty("findings")[0].EnumerateObject().Select(p => p.Name).Should().Equal(
            "finding_id", "order_no", "kind", "provider", "provider_txn_id", "vendor", "expected_amount", "charged_amount",
            "delivered_quantity", "ordered_quantity", "currency", "compensation_action", "automatic", "compensation_amount",
            "status", "business_date", "detail");
    }

    [Fact]
    public void Write_ProducesTheSameBytes_WhenWrittenTwice()
    {
        var report = Report();

        WriteToString(SummaryJsonWriter.Write, report).Should().Be(WriteToString(SummaryJsonWriter.Write, report));
    }

    [Fact]
    public void Write_RoundTripsEveryNumber_AsJsonNumbers()
    {
        var report = Report();

        var root = Parse(report);

        var run = root.GetProperty("run");
        run.GetProperty("run_id").GetInt64().Should().Be(42);
        run.GetProperty("previous_run_id").GetInt64().Should().Be(41);
        run.GetProperty("business_date").GetString().Should().Be("2026-11-21");
        run.GetProperty("as_of").GetDateTimeOffset().Should().Be(report.AsOf);

        var files = root.GetProperty("files");
        files.GetArrayLength().Should().Be(4);
        files[0].GetProperty("rows").GetInt64().Should().Be(1000);
        files[0].GetProperty("quarantined").GetInt64().Should().Be(1);
        files[0].GetProperty("sha256").GetString().Should().Be("aa11");
        files[1].GetProperty("status").GetString().Should().Be("duplicate");

        root.GetProperty("missing_settlements")[1].GetProperty("reason").GetString().Should().Be("no file arrived");

        var cny = root.GetProperty("orders")[0];
        cny.GetProperty("currency").GetString().Should().Be("CNY");
        cny.GetProperty("count").GetInt64().Should().Be(1500);
        cny.GetProperty("amount").ValueKind.Should().Be(JsonValueKind.Number);
        cny.GetProperty("amount").GetDecimal().Should().Be(97200.00m);

        var stripe = root.GetProperty("channels")[1];
        stripe.GetProperty("payment_gross").GetDecimal().Should().Be(262.50m);
        stripe.GetProperty("chargeback_amount").GetDecimal().Should().Be(12.50m);
        stripe.GetProperty("fees").GetDecimal().Should().Be(7.61m);
        stripe.GetProperty("order_amount").GetDecimal().Should().Be(250.00m);

        var vendor = root.GetProperty("vendors")[0];
        vendor.GetProperty("in_flight").GetInt64().Should().Be(2);
        vendor.GetProperty("cost").GetDecimal().Should().Be(95000.10m);

        var orphans = root.GetProperty("kinds")[1];
        orphans.GetProperty("kind").GetString().Should().Be("orphan_charge");
        orphans.GetProperty("charged_amount").EnumerateArray()
            .Select(a => (a.GetProperty("currency").GetString(), a.GetProperty("amount").GetDecimal()))
            .Should().Equal(("CNY", 5.00m), ("USD", 12.50m));

        root.GetProperty("compensation_total").EnumerateArray()
            .Select(a => (a.GetProperty("currency").GetString(), a.GetProperty("amount").GetDecimal()))
            .Should().Equal(("CNY", 711.33m), ("USD", 0.10m));

        var counts = root.GetProperty("finding_counts");
        counts.GetProperty("new").GetInt64().Should().Be(8);
        counts.GetProperty("open").GetInt64().Should().Be(1);
        counts.GetProperty("resolved").GetInt64().Should().Be(1);
        counts.GetProperty("total").GetInt64().Should().Be(9);

        var quarantined = root.GetProperty("quarantined");
        quarantined.GetProperty("total").GetInt64().Should().Be(1);
        quarantined.GetProperty("by_file")[0].GetProperty("file").GetString().Should().Be("wechat_20261121.csv");
        quarantined.GetProperty("by_file")[0].GetProperty("lines").GetInt64().Should().Be(1);
    }

    [Fact]
    public void Write_CarriesFindingFieldsAndStatus_ForOpenAndResolvedFindings()
    {
        var root = Parse(Report());

        var findings = root.GetProperty("findings");
        findings.GetArrayLength().Should().Be(9);
        var duplicate = findings.EnumerateArray().Single(f => f.GetProperty("kind").GetString() == "duplicate_charge");
        duplicate.GetProperty("order_no").GetString().Should().Be("A100");
        duplicate.GetProperty("charged_amount").GetDecimal().Should().Be(1296.00m);
        duplicate.GetProperty("compensation_amount").GetDecimal().Should().Be(648.00m);
        duplicate.GetProperty("compensation_action").GetString().Should().Be("refund");
        duplicate.GetProperty("automatic").GetBoolean().Should().BeTrue();
        duplicate.GetProperty("status").GetString().Should().Be("new");
        duplicate.GetProperty("business_date").GetString().Should().Be("2026-11-21");

        var orphan = findings.EnumerateArray().Single(f => f.GetProperty("kind").GetString() == "orphan_charge");
        orphan.GetProperty("order_no").ValueKind.Should().Be(JsonValueKind.Null);
        orphan.GetProperty("compensation_amount").ValueKind.Should().Be(JsonValueKind.Null);

        var resolved = root.GetProperty("resolved");
        resolved.GetArrayLength().Should().Be(1);
        resolved[0].GetProperty("order_no").GetString().Should().Be("A090");
        resolved[0].GetProperty("status").GetString().Should().Be("resolved");
    }

    [Fact]
    public void Write_PutsEachFindingOnALineOfItsOwn_InBothLists()
    {
        var report = Report(
            findings: [Reported(Finding(FindingKind.DuplicateCharge, "A1", 1234.5m, 0.1m)), Reported(Finding(FindingKind.DuplicateCharge, "A2", 99m, 1m))],
            resolved: [Reported(Finding(FindingKind.DuplicateCharge, "A3", 5m, 5m))]);

        var text = WriteToString(SummaryJsonWriter.Write, report);

        // A grep for an order number shows its whole finding: each row is one line, a JSON object of its own.
        var rows = text.Split('\n').Where(line => line.Contains("\"finding_id\"", StringComparison.Ordinal)).ToList();
        rows.Should().HaveCount(3);
        rows.Select(line => JsonDocument.Parse(line.Trim().TrimEnd(',')).RootElement.GetProperty("order_no").GetString())
            .Should().Equal("A1", "A2", "A3");
        rows.Should().OnlyContain(line => line.StartsWith("    {", StringComparison.Ordinal));
        Parse(report).GetProperty("resolved").GetArrayLength().Should().Be(1);
    }

    [Fact]
    public void Write_KeepsNumbersInvariant_WhenTheCurrentCultureIsGerman()
    {
        using var german = new CultureScope("de-DE");
        var report = Report(findings: [Reported(Finding(FindingKind.DuplicateCharge, "A1", 1234.5m, 0.1m))]);

        var text = WriteToString(SummaryJsonWriter.Write, report);

        text.Should().Contain("\"compensation_amount\":0.1").And.Contain("\"charged_amount\":1234.5");
        Parse(report).GetProperty("findings")[0].GetProperty("compensation_amount").GetDecimal().Should().Be(0.1m);
    }

    [Fact]
    public void Write_EscapesMarkupButKeepsChinese_WhenTextHasBoth()
    {
        var report = Report(findings: [Reported(Finding(FindingKind.Pending, "<script>", 1m, detail: "结算文件缺失"))]);

        var text = WriteToString(SummaryJsonWriter.Write, report);

        text.Should().Contain("结算文件缺失").And.NotContain("<script>");
        Parse(report).GetProperty("findings")[0].GetProperty("order_no").GetString().Should().Be("<script>");
    }
}
