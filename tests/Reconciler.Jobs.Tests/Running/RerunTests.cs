using Reconciler.Storage.Compensation;
using Reconciler.Testing;

namespace Reconciler.Jobs.Tests.Running;

public sealed class RerunTests : IAsyncLifetime
{
    private const string Day = "2026-11-20";
    private RunHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await RunHarness.CreateAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task RunAsync_CreatesNothingNew_WhenTheSameDateRunsTwice()
    {
        var inbox = Path.Combine(RepoPaths.Sample(Day), "inbox");
        var first = await _harness.RunAsync(Day, inbox);
        var requests = await _harness.Database.ScalarAsync<long>("SELECT count(*) FROM compensation_request");
        var findings = await _harness.Database.ScalarAsync<long>("SELECT count(*) FROM finding");
        // The full look's watch list is in, with its stamp, when the run ends.
        const string Stamp = "SELECT run_id FROM evidence_stamp WHERE business_date = @day::date";
        const string Watched = "SELECT count(*) FROM evidence_watch WHERE business_date = @day::date";
        (await _harness.Database.ScalarAsync<long>(Stamp, new { day = Day })).Should().Be(first.RunId);
        var watched = await _harness.Database.ScalarAsync<long>(Watched, new { day = Day });
        watched.Should().BeGreaterThan(0);

        var second = await _harness.RunAsync(Day, inbox, reason: "operator rerun");

        second.Report.Files.Should().OnlyContain(f => f.Status == "duplicate");
        second.Report.PreviousRunId.Should().Be(first.RunId);
        second.Report.Findings.Select(f => f.Finding.FindingId).Should().BeEquivalentTo(first.Report.Findings.Select(f => f.Finding.FindingId));
        second.Report.Findings.Should().OnlyContain(f => f.Status == "open");
        second.Report.Resolved.Should().BeEmpty();
        (await _harness.Database.ScalarAsync<long>("SELECT count(*) FROM compensation_request")).Should().Be(requests);
        (await _harness.Database.ScalarAsync<long>("SELECT count(*) FROM finding")).Should().Be(findings);
        (await _harness.Database.ScalarAsync<long>("SELECT count(*) FROM platform_order")).Should().Be(300);
        (await _harness.Database.ScalarAsync<string>("SELECT reason FROM run WHERE run_id = @id", new { id = second.RunId })).Should().Be("operator rerun");
        // Nothing new: the rerun looked at the first run's watch list and kept it as it was.
        (await _harness.Database.ScalarAsync<long>(Stamp, new { day = Day })).Should().Be(first.RunId);
        (await _harness.Database.ScalarAsync<long>(Watched, new { day = Day })).Should().Be(watched);
    }

    [Fact]
    public async Task RunAsync_WithdrawsThePendingRequest_WhenALateDeliveryLogShowsTheOrderDelivered()
    {
        var inbox = _harness.CopySampleInbox(Day);
        var first = await _harness.RunAsync(Day, inbox);
        var undelivered = first.Report.Findings.Single(f => f.Finding.OrderNo == "KM202611200000024").Finding;
        undelivered.Kind.Should().Be(Core.Matching.FindingKind.ChargedNotDelivered);

        await WriteLateDeliveryAsync(inbox, "KM202611200000024");
        var second = await _harness.RunAsync(Day, inbox, reason: "late carrier log");

        second.Report.Resolved.Select(f => f.Finding.FindingId).Should().Contain(undelivered.FindingId);
        second.Report.Findings.Should().NotContain(f => f.Finding.OrderNo == "KM202611200000024");
        (await _harness.Database.ScalarAsync<string>("SELECT state FROM compensation_request WHERE request_id = @id", new { id = undelivered.FindingId }))
            .Should().Be("withdrawn");
    }

    [Fact]
    public async Task RunAsync_RaisesCompensatedButResolved_WhenACompletedCompensationsBreakResolvesLater()
    {
        var inbox = _harness.CopySampleInbox(Day);
        var first = await _harness.RunAsync(Day, inbox);
        var undelivered = first.Report.Findings.Single(f => f.Finding.OrderNo == "KM202611200000024").Finding;
        await _harness.Database.ExecuteAsync("UPDATE compensation_request SET state = 'completed' WHERE request_id = @id", new { id = undelivered.FindingId });

        await WriteLateDeliveryAsync(inbox, "KM202611200000024");
        var second = await _harness.RunAsync(Day, inbox);

        var raised = second.Report.Findings.Single(f => f.Finding.Kind == Core.Matching.FindingKind.CompensatedButResolved);
        raised.Finding.OrderNo.Should().Be("KM202611200000024");
        raised.Finding.CompensationAmount.Should().Be(-648.00m);
        raised.Finding.IsAutomatic.Should().BeFalse();
        (await _harness.Database.ScalarAsync<string>("SELECT state FROM compensation_request WHERE request_id = @id", new { id = undelivered.FindingId }))
            .Should().Be("completed");

        var third = await _harness.RunAsync(Day, inbox);
        third.Report.Findings.Should().ContainSingle(f => f.Finding.Kind == Core.Matching.FindingKind.CompensatedButResolved)
            .Which.Status.Should().Be("open");
    }

    [Fact]
    public async Task RunAsync_RaisesCompensatedButResolved_WhenAClaimedRequestsBreakResolves()
    {
        var inbox = _harness.CopySampleInbox(Day);
        var first = await _harness.RunAsync(Day, inbox);
        var undelivered = first.Report.Findings.Single(f => f.Finding.OrderNo == "KM202611200000024").Finding;
        var queue = _harness.Get<CompensationStore>();
        var claimed = new List<ClaimedCompensation>();
        while ((await queue.ClaimAsync("comp-worker-1", 50, 300, null, CancellationToken.None)).Read<ClaimResult>().Items is { Count: > 0 } items)
        {
            claimed.AddRange(items);
        }

        claimed.Should().ContainSingle(c => c.RequestId == undelivered.FindingId);
        claimed.Select(c => c.RequestId).Should().BeEquivalentTo(first.Report.Findings.Where(f => f.Finding.IsAutomatic).Select(f => f.Finding.FindingId));

        await WriteLateDeliveryAsync(inbox, "KM202611200000024");
        var second = await _harness.RunAsync(Day, inbox, reason: "late carrier log");

        var raised = second.Report.Findings.Single(f => f.Finding.Kind == Core.Matching.FindingKind.CompensatedButResolved);
        raised.Finding.OrderNo.Should().Be("KM202611200000024");
        raised.Finding.Detail.Should().Contain("claimed");
        (await _harness.Database.ScalarAsync<string>("SELECT state FROM compensation_request WHERE request_id = @id", new { id = undelivered.FindingId }))
            .Should().Be("claimed");
        (await _harness.Database.ScalarAsync<long>("SELECT count(*) FROM compensation_request WHERE state = 'withdrawn'")).Should().Be(0);
    }

    [Fact]
    public async Task RunAsync_EscalatesAnInFlightOrderOfAnEarlierDate_WhenTheNextDayRunsPastTheHoldLimit()
    {
        var inbox = Path.Combine(RepoPaths.Sample(Day), "inbox");
        var first = await _harness.RunAsync(Day, inbox);
        first.Report.Findings.Should().Contain(f => f.Finding.OrderNo == "KM202611200000235" && f.Finding.Kind == Core.Matching.FindingKind.Pending);

        var emptyInbox = Directory.CreateDirectory(Path.Combine(_harness.Scratch, "empty-inbox")).FullName;
        var nextDay = await _harness.RunAsync("2026-11-21", emptyInbox);

        nextDay.Report.Findings.Should().Contain(f => f.Finding.OrderNo == "KM202611200000235" && f.Finding.Kind == Core.Matching.FindingKind.ChargedNotDelivered)
            .Which.BusinessDate.Should().Be(new DateOnly(2026, 11, 20));
        nextDay.Report.Resolved.Should().Contain(f => f.Finding.OrderNo == "KM202611200000235" && f.Finding.Kind == Core.Matching.FindingKind.Pending);
    }

    private static async Task WriteLateDeliveryAsync(string inbox, string orderNo)
    {
        var orders = await File.ReadAllLinesAsync(Directory.EnumerateFiles(inbox, "orders_*.csv", SearchOption.AllDirectories).Single());
        var cells = orders.Single(line => line.StartsWith(orderNo + ",", StringComparison.Ordinal)).Split(',');
        var late = Path.Combine(inbox, "vendors", "carrier_delivery_late.csv");
        await File.WriteAllTextAsync(late,
            "vendor,vendor_order_id,order_no,target_account,sku,quantity,face_value,cost,status,voucher,finished_at\r\n" +
            $"cmcc-agent,VLATE0001,{orderNo},{cells[7]},{cells[6]},{cells[8]},{cells[10]},{cells[10]},success,asix000late,2026-11-21T09:00:00+08:00\r\n");
    }
}
