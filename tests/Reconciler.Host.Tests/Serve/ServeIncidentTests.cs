using System.Globalization;
using System.Text.Json;
using Reconciler.Host.Tests.Support;

namespace Reconciler.Host.Tests.Serve;

/// <summary>Incidents computed with each run: a vendor outage on a generated day, and none on the clean sample day.</summary>
public sealed class ServeIncidentTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    private const string OutageVendor = "cmcc-agent";
    private static readonly DateTimeOffset OutageStart = new(2026, 11, 25, 14, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateTimeOffset OutageEnd = OutageStart.AddMinutes(90);

    [Fact]
    public async Task Incidents_AreNone_OnTheCleanSampleDay()
    {
        var day = SampleDay.November20;
        var runId = await fixture.Serve.PostRunAsync(day.Date, day.AsOf);
        (await fixture.Serve.WaitForRunAsync(runId, ServeProcess.IsFinished, TimeSpan.FromSeconds(90)))
            .GetProperty("status").GetString().Should().Be("completed");

        // The day's one lost callback (KM202611200000152: paid, marked failed, never sent to a vendor) is an ordinary
        // break, not an incident: an incident needs several findings of one cause.
        (await fixture.Serve.GetJsonAsync($"/api/incidents?date={day.Date}", "finance")).GetArrayLength().Should().Be(0);
        var summary = await fixture.Serve.GetJsonAsync($"/api/runs/{runId}/summary.json", "finance");
        summary.GetProperty("incidents").GetArrayLength().Should().Be(0);
        summary.EnumerateObject().Select(p => p.Name).Skip(1).First().Should().Be("incidents", "summary.json leads with the incidents");
    }

    [Fact]
    public async Task Incidents_HoldOneVendorDownCoveringTheOutage_WhenEveryDeliveryOfOneVendorFailsFor90Minutes()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        try
        {
            var inbox = await GeneratedDay.CreateAsync(sandbox, orders: 3_000);
            var outageOrders = BreakVendor(Path.Combine(inbox, "vendors", "carrier_delivery_20261125.csv"));
            outageOrders.Should().HaveCountGreaterThan(20, "the outage must hit a fair number of orders to mean anything");
            await using var serve = await ServeProcess.StartAsync(sandbox, ServeProcess.Environment(sandbox, inbox));

            var runId = await serve.PostRunAsync(GeneratedDay.Date, GeneratedDay.AsOf, "outage test");
            (await serve.WaitForRunAsync(runId, ServeProcess.IsFinished, TimeSpan.FromMinutes(3)))
                .GetProperty("status").GetString().Should().Be("completed");

            var incidents = (await serve.GetJsonAsync($"/api/incidents?date={GeneratedDay.Date}", "finance")).EnumerateArray().ToList();
            var down = incidents.Where(i => i.GetProperty("kind").GetString() == "vendor_down").ToList();
            down.Should().ContainSingle(incidents.Count == 0 ? "none found" : string.Join('\n', incidents));
            var incident = down[0];
            incident.GetProperty("vendor").GetString().Should().Be(OutageVendor);
            incident.GetProperty("from").GetDateTimeOffset().Should().BeOnOrBefore(outageOrders.Values.Min());
            incident.GetProperty("to").GetDateTimeOffset().Should().BeOnOrAfter(outageOrders.Values.Max());
            incident.GetProperty("from").GetString().Should().EndWith("+08:00");
            incident.GetProperty("findings").GetInt32().Should().BeGreaterThanOrEqualTo((int)Math.Ceiling(0.9 * outageOrders.Count));
            incident.GetProperty("amount").GetDecimal().Should().BePositive();

            var summary = await serve.GetJsonAsync($"/api/runs/{runId}/summary.json", "finance");
            summary.GetProperty("incidents").EnumerateArray().Count(i => i.GetProperty("kind").GetString() == "vendor_down").Should().Be(1);
            using var report = await serve.SendAsync(HttpMethod.Get, $"/api/runs/{runId}/report.html", "finance");
            var html = await report.Content.ReadAsStringAsync();
            html.IndexOf("<h2>Incidents</h2>", StringComparison.Ordinal).Should()
                .BeLessThan(html.IndexOf("<h2>At a glance</h2>", StringComparison.Ordinal), "the report leads with the incidents");
            html.Should().Contain("vendor_down");

            // Each finding sits in at most one incident; a rerun announces the outage no second time.
            (await sandbox.Database.ScalarAsync<long>(
                "SELECT count(*) FROM (SELECT finding_id FROM incident_finding WHERE run_id = @runId GROUP BY finding_id HAVING count(*) > 1) d",
                new { runId })).Should().Be(0);
            var rerun = await serve.PostRunAsync(GeneratedDay.Date, GeneratedDay.AsOf, "outage rerun");
            await serve.WaitForRunAsync(rerun, ServeProcess.IsFinished, TimeSpan.FromMinutes(3));
            (await sandbox.Database.ScalarAsync<long>(
                "SELECT count(*) FROM event_outbox WHERE event_type = 'incident.opened' AND payload ->> 'kind' = 'vendor_down'"))
                .Should().Be(1);
        }
        finally
        {
            await ServeProcess.DropHangfireSchemaAsync(sandbox);
        }
    }

    /// <summary>
    /// Rewrites the vendor's events within the outage as failed; returns the orders left with no success at all (the
    /// outage's failed orders) and when each failed.
    /// </summary>
    private static Dictionary<string, DateTimeOffset> BreakVendor(string path)
    {
        var lines = File.ReadAllText(path).Split("\r\n");
        var header = lines[0].Split(',');
        int Column(string name) => Array.IndexOf(header, name);
        var (vendor, order, status, voucher, finished) = (Column("vendor"), Column("order_no"), Column("status"), Column("voucher"), Column("finished_at"));
        var failedAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var succeeded = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            var cells = lines[i].Split(',');
            var at = DateTimeOffset.Parse(cells[finished], CultureInfo.InvariantCulture);
            if (cells[vendor] == OutageVendor && at >= OutageStart && at < OutageEnd)
            {
                cells[status] = "failed";
                cells[voucher] = string.Empty;
                lines[i] = string.Join(',', cells);
                failedAt[cells[order]] = at;
            }
            else if (cells[status] == "success")
            {
                succeeded.Add(cells[order]);
            }
        }

        File.WriteAllText(path, string.Join("\r\n", lines));
        return failedAt.Where(p => !succeeded.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }
}
