using System.Text.Json;
using Reconciler.Reports.Model;
using static Reconciler.Reports.Tests.SampleReports;

namespace Reconciler.Reports.Tests;

public class IncidentReportingTests
{
    private static readonly IncidentReport Outage = new(
        "vendor_down", "cmcc-agent", null,
        new DateTimeOffset(2026, 11, 21, 14, 0, 5, TimeSpan.FromHours(8)), new DateTimeOffset(2026, 11, 21, 15, 29, 40, TimeSpan.FromHours(8)),
        55, 4093.20m, "CNY", [new CurrencyAmount("CNY", 4093.20m), new CurrencyAmount("USD", 126.57m)],
        "59 of the 73 orders cmcc-agent attempted in this window failed");

    [Fact]
    public void SummaryJson_ListsTheIncidentsFirst_WithTheirWindowAndAmounts()
    {
        var report = Report() with { Incidents = [Outage] };

        using var document = JsonDocument.Parse(WriteToString(SummaryJsonWriter.Write, report));
        var incident = document.RootElement.GetProperty("incidents").EnumerateArray().Single();

        incident.EnumerateObject().Select(p => p.Name).Should().Equal(
            "kind", "vendor", "provider", "from", "to", "findings", "amount", "currency", "amounts", "detail");
        incident.GetProperty("from").GetString().Should().Be("2026-11-21T14:00:05+08:00");
        incident.GetProperty("amount").GetDecimal().Should().Be(4093.20m);
        incident.GetProperty("amounts").GetArrayLength().Should().Be(2, "amounts in two currencies are never added up");
    }

    [Fact]
    public void ReportHtml_LeadsWithTheIncidents_AndSaysSoWhenThereAreNone()
    {
        var with = WriteToString(HtmlReportWriter.Write, Report() with { Incidents = [Outage] });
        var without = WriteToString(HtmlReportWriter.Write, Report());

        with.IndexOf("<h2>Incidents</h2>", StringComparison.Ordinal).Should().BeLessThan(with.IndexOf("<h2>At a glance</h2>", StringComparison.Ordinal));
        with.Should().Contain("cmcc-agent").And.Contain("<td class=\"num\">4,093.20 CNY<br>126.57 USD</td>");
        without.Should().Contain("No incident");
    }
}
