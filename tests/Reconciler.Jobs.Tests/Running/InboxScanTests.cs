namespace Reconciler.Jobs.Tests.Running;

/// <summary>The inbox scan imports ahead of the runs; the next run of the date reports those files as its own.</summary>
public sealed class InboxScanTests
{
    [Fact]
    public async Task Run_ReportsFilesTheScanImportedAsItsOwnWithTheSameFindings_WhenTheScanCameFirst()
    {
        await using var harness = await RunHarness.CreateAsync();
        var inbox = harness.CopySampleInbox("2026-11-20");

        var scanned = await harness.Runner.ScanInboxAsync(inbox, CancellationToken.None);
        var run = await harness.RunAsync("2026-11-20", inbox);
        var rerun = await harness.RunAsync("2026-11-20", inbox);

        scanned.Should().OnlyContain(f => f.Outcome.Status == "imported");
        run.Report.Files.Should().OnlyContain(f => f.Status == "imported", "the run adopts what the scan imported");
        run.Report.Files.Should().OnlyContain(f => f.Detail != null && f.Detail.Contains("inbox scan"));
        run.Report.QuarantinedTotal.Should().Be(1, "the scanned vendor file's mangled line is still counted");
        run.Report.Findings.Should().HaveCount(16);
        rerun.Report.Files.Should().OnlyContain(f => f.Status == "duplicate", "the first run reported them already");
        (await harness.Database.ScalarAsync<long>("SELECT count(*) FROM imported_file WHERE run_id IS NULL")).Should().Be(0);
    }
}
