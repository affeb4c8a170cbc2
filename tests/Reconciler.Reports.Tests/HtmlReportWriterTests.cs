using Reconciler.Core.Matching;
using Reconciler.Reports.Model;
using static Reconciler.Reports.Tests.SampleReports;

namespace Reconciler.Reports.Tests;

public class HtmlReportWriterTests
{
    private static readonly string[] LargestFirst = ["BIG-COMPENSATION", "BIG-CHARGE", "SMALL", "NO-AMOUNT"];

    private static string Write(RunReport report) => WriteToString(HtmlReportWriter.Write, report);

    [Fact]
    public void Write_EscapesHostileValues_WhenAnOrderNoIsAScriptTag()
    {
        var hostile = "<script>alert('x')</script>";
        var finding = Finding(FindingKind.ChargedNotDelivered, hostile, 1m, detail: "\"><img src=x onerror=alert(1)>");

        var html = Write(Report(findings: [Reported(finding)]) with { RequestedBy = "<b>ops</b>" });

        html.Should().NotContain("<script").And.NotContain("<img").And.NotContain("<b>ops");
        html.Should().Contain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        html.Should().Contain("&lt;b&gt;ops&lt;/b&gt;");
    }

    [Fact]
    public void Write_IsSelfContained_WithNoScriptsOrExternalAssets()
    {
        var html = Write(Report());

        html.Should().StartWith("<!DOCTYPE html>").And.Contain("<style>").And.Contain("@media print");
        html.Should().NotContain("<script").And.NotContain("<link").And.NotContain("src=").And.NotContain("http");
    }

    [Fact]
    public void Write_ShowsTheRunInItsTimeZoneAndUtc_WithWhoAskedAndWhy()
    {
        var html = Write(Report());

        html.Should().Contain("Reconciliation for business date 2026-11-21");
        html.Should().Contain("2026-11-22 10:30:00 Asia/Shanghai (UTC+08:00), 2026-11-22 02:30:00 UTC");
        html.Should().Contain("Run 42").And.Contain("li.na").And.Contain("late Alipay bill arrived");
    }

    [Fact]
    public void Write_ListsFindingsLargestAmountFirst_ByCompensationElseCharged()
    {
        IReadOnlyList<ReportedFinding> findings =
        [
            Reported(Finding(FindingKind.Pending, "SMALL", 5.00m)),
            Reported(Finding(FindingKind.DuplicateCharge, "BIG-COMPENSATION", 20.00m, 900.00m)),
            Reported(Finding(FindingKind.AmountMismatch, "BIG-CHARGE", 500.00m)),
            Reported(Finding(FindingKind.OrphanCharge, "NO-AMOUNT", null)),
        ];

        var html = Write(Report(findings: findings, resolved: []));
        var table = html[html.IndexOf("Findings, largest amount first", StringComparison.Ordinal)..];

        var positions = LargestFirst
            .Select(o => table.IndexOf(">" + o + "<", StringComparison.Ordinal))
            .ToList();
        positions.Should().OnlyContain(p => p >= 0).And.BeInAscendingOrder();
    }

    [Fact]
    public void Write_ShowsTotalsPerCurrency_WithoutSummingCurrencies()
    {
        var html = Write(Report());

        html.Should().Contain("711.33 CNY").And.Contain("0.10 USD");
        html.Should().NotContain("711.43");
        html.Should().Contain("97,200.00 CNY").And.Contain("250.00 USD");
        html.Should().NotContain("97,450.00");
        html.Should().Contain("5.00 CNY<br>12.50 USD");
    }

    [Fact]
    public void Write_FormatsAmountsWithThousandsSeparators_WhenTheCurrentCultureIsGerman()
    {
        using var german = new CultureScope("de-DE");

        var html = Write(Report(findings: [Reported(Finding(FindingKind.DuplicateCharge, "A1", 1234567.5m, 0.1m))]));

        html.Should().Contain("1,234,567.50 CNY").And.Contain("0.10 CNY").And.Contain("64,800.00 CNY");
        html.Should().NotContain("1.234.567,50");
    }

    [Fact]
    public void Write_MarksDuplicateRejectedAndMissingFiles_InTheFilesTable()
    {
        var html = Write(Report());

        html.Should().Contain("<tr class=\"duplicate\">").And.Contain("Duplicate — skipped").And.Contain("same bytes as wechat_20261121.csv");
        html.Should().Contain("<tr class=\"rejected\">").And.Contain("Rejected").And.Contain("control totals disagree");
        html.Should().Contain("Not recognised");
        html.Should().Contain("<li class=\"bad\">Missing settlement file: alipay for 2026-11-21 — rejected: control totals disagree");
        html.Should().Contain("<li class=\"bad\">Missing settlement file: unionpay for 2026-11-21 — no file arrived");
        html.Should().Contain("Settlement files missing");
    }

    [Fact]
    public void Write_UsesHumanKindLabels_NotSnakeCaseNames()
    {
        var html = Write(Report());

        html.Should().Contain(">Charged, not delivered<").And.Contain(">Charge without an order<");
        html.Should().NotContain(">charged_not_delivered<");
    }

    [Fact]
    public void Write_SaysWhatChanged_WithTheResolvedFindingsListed()
    {
        var html = Write(Report());
        var changes = html[html.IndexOf("What changed since the previous run", StringComparison.Ordinal)..
            html.IndexOf("Findings, largest amount first", StringComparison.Ordinal)];

        changes.Should().Contain("<tr><th>New</th><td class=\"num\">8</td></tr>");
        changes.Should().Contain("<tr><th>Still open</th><td class=\"num\">1</td></tr>");
        changes.Should().Contain("<tr><th>Resolved</th><td class=\"num\">1</td></tr>");
        changes.Should().Contain(">A090<");
    }

    [Fact]
    public void Write_CapsQuarantinedLinesAt200_AndSaysHowManyMore()
    {
        var lines = Enumerable.Range(1, 250)
            .Select(i => new QuarantineEntry("bill.csv", i, "bad amount", "raw <" + i + ">"))
            .ToList();

        var html = Write(Report(quarantined: lines, quarantinedTotal: 1250));

        html.Should().Contain("<code>raw &lt;200&gt;</code>").And.NotContain("raw &lt;201&gt;");
        html.Should().Contain("and 1,050 more — see <code>reconciler quarantine list</code>");
    }
}
