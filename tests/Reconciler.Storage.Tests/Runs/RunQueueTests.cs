using Reconciler.Storage.Importing;
using Reconciler.Storage.Runs;
using Reconciler.Storage.Tests.Support;

namespace Reconciler.Storage.Tests.Runs;

/// <summary>Runs that jobs execute: queued with their id known at once, started per attempt, progress, outputs.</summary>
public sealed class RunQueueTests : DatabaseTest
{
    private static RunSubmission Submission(string trigger = RunTrigger.Api) =>
        new(Day, WindowFor(Day).AsOf, trigger, "ops.li", "late carrier file", "/srv/inbox", "/srv/out", null);

    [Fact]
    public async Task QueueRunAsync_RecordsAQueuedRunWithWhoWhyAndHow_BeforeAnyServerStartsIt()
    {
        var runId = await Runs.QueueRunAsync(Submission(), Ct);
        await Runs.SetJobIdAsync(runId, "42", Ct);

        var run = await Runs.GetRunAsync(runId, Ct);

        run.Status.Should().Be("queued");
        run.Trigger.Should().Be("api");
        run.RequestedBy.Should().Be("ops.li");
        run.Reason.Should().Be("late carrier file");
        run.HangfireJobId.Should().Be("42");
        run.StartedAt.Should().BeNull();
        run.Attempts.Should().Be(0);
        run.Inbox.Should().Be("/srv/inbox");
        (await Runs.FindRunByJobAsync("42", Ct)).Should().Be(runId);
    }

    [Fact]
    public async Task StartRunAsync_CountsEachAttemptAndClearsTheLastError_UntilTheRunCompletes()
    {
        var runId = await Runs.QueueRunAsync(Submission(), Ct);

        (await Runs.StartRunAsync(runId, "host-a:1:x", Ct)).Should().BeTrue();
        await Runs.TryRecordErrorAsync(runId, "database restarted");
        await Runs.RequeueRunAsync(runId, "attempt 1 failed, retrying: database restarted", Ct);
        (await Runs.GetRunAsync(runId, Ct)).Status.Should().Be("queued");
        (await Runs.StartRunAsync(runId, "host-b:2:y", Ct)).Should().BeTrue();
        var second = await Runs.GetRunAsync(runId, Ct);
        await Runs.CompleteRunAsync(runId, "{}", Ct);

        second.Attempts.Should().Be(2);
        second.Error.Should().BeNull();
        second.Server.Should().Be("host-b:2:y");
        (await Runs.StartRunAsync(runId, "host-c:3:z", Ct)).Should().BeFalse("a completed run is never started again");
        (await Runs.GetRunAsync(runId, Ct)).Status.Should().Be("completed");
    }

    [Fact]
    public async Task TryFailRunAsync_KeepsTheReasonTheRunnerRecorded_WhenTheJobFailsTheRunAfterwards()
    {
        var runId = await Runs.QueueRunAsync(Submission(), Ct);
        await Runs.StartRunAsync(runId, "host-a:1:x", Ct);
        await Runs.TryRecordErrorAsync(runId, "cancelled while matching: the job was deleted");

        await Runs.TryFailRunAsync(runId, "The operation was canceled.");

        var run = await Runs.GetRunAsync(runId, Ct);
        run.Status.Should().Be("failed");
        run.Error.Should().Be("cancelled while matching: the job was deleted");
    }

    [Fact]
    public async Task ReportProgressAsync_ShowsPhaseAndRows_WhileTheRunIsRunning()
    {
        var runId = await Runs.QueueRunAsync(Submission(), Ct);
        await Runs.StartRunAsync(runId, "host-a:1:x", Ct);

        await Runs.ReportProgressAsync(runId, "matching", 250_000, Ct);

        var progress = (await Runs.GetRunAsync(runId, Ct)).Progress;
        progress.Phase.Should().Be("matching");
        progress.Rows.Should().Be(250_000);
        progress.UpdatedAt.Should().NotBeNull();
    }

    [Fact]
    public async Task CompleteRunAsync_KeepsEachOutputByteForByte()
    {
        var runId = await Runs.QueueRunAsync(Submission(), Ct);
        await Runs.StartRunAsync(runId, "host-a:1:x", Ct);
        var folder = Directory.CreateTempSubdirectory("run-outputs-");
        var csv = Path.Combine(folder.FullName, "mismatches.csv");
        var bytes = "finding_id,order_no\r\n\"=cmd\",KM1\r\n"u8.ToArray().Concat(new byte[] { 0xE4, 0xB8, 0xAD }).ToArray();
        await File.WriteAllBytesAsync(csv, bytes);
        try
        {
            await Runs.CompleteRunAsync(runId, """{"total":1}""", [csv], Ct);

            (await Runs.ReadOutputAsync(runId, "mismatches.csv", Ct)).Should().Equal(bytes);
            (await Runs.ReadOutputAsync(runId, "report.html", Ct)).Should().BeNull();
            (await Runs.GetRunAsync(runId, Ct)).Status.Should().Be("completed");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task BeginCompletionAsync_StoresOutputsAsTheyComeButShowsNothingUntilTheRunCompletes_AndKeepsNothingWhenAbandoned()
    {
        var abandoned = await Runs.QueueRunAsync(Submission(), Ct);
        await Runs.StartRunAsync(abandoned, "host-a:1:x", Ct);
        var completed = await Runs.QueueRunAsync(Submission(), Ct);
        await Runs.StartRunAsync(completed, "host-a:1:y", Ct);
        var csv = "finding_id\nF1\n"u8.ToArray();
        var html = "<!DOCTYPE html>"u8.ToArray();

        await using (var completion = await Runs.BeginCompletionAsync(abandoned, Ct))
        {
            await completion.StoreOutputAsync("mismatches.csv", Gzip(csv), Ct);
        }

        await using (var completion = await Runs.BeginCompletionAsync(completed, Ct))
        {
            await completion.StoreOutputAsync("mismatches.csv", Gzip(csv), Ct);
            await completion.StoreOutputAsync("report.html", Gzip(html), Ct);
            completion.Stored("report.html").Should().BeTrue();
            completion.Stored("summary.json").Should().BeFalse();
            // Stored, not yet committed: another connection sees neither the output nor the completion.
            (await Runs.ReadOutputAsync(completed, "mismatches.csv", Ct)).Should().BeNull();
            (await Runs.GetRunAsync(completed, Ct)).Status.Should().Be("running");

            await completion.CompleteAsync("""{"total":1}""", Ct);
        }

        (await Runs.ReadOutputAsync(completed, "mismatches.csv", Ct)).Should().Equal(csv);
        (await Runs.ReadOutputAsync(completed, "report.html", Ct)).Should().Equal(html);
        (await Runs.GetRunAsync(completed, Ct)).Status.Should().Be("completed");
        (await Runs.ReadOutputAsync(abandoned, "mismatches.csv", Ct)).Should().BeNull();
        (await Runs.GetRunAsync(abandoned, Ct)).Status.Should().Be("running");
    }

    private static MemoryStream Gzip(byte[] bytes)
    {
        var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        compressed.Position = 0;
        return compressed;
    }

    [Fact]
    public async Task ListRunsAsync_ListsNewestFirst_OfOneDateOrOfAll()
    {
        var older = await Runs.QueueRunAsync(Submission(), Ct);
        var other = await Runs.QueueRunAsync(Submission() with { Date = Day.AddDays(1) }, Ct);
        var newer = await CreateRunAsync();

        (await Runs.ListRunsAsync(Day, 10, Ct)).Select(r => r.RunId).Should().Equal(newer, older);
        (await Runs.ListRunsAsync(null, 2, Ct)).Select(r => r.RunId).Should().Equal(newer, other);
    }

    [Fact]
    public async Task AdoptScannedFileAsync_GivesTheFirstRunAFileTheInboxScanImported_AndNoLaterRun()
    {
        var identity = new FileIdentity(new string('a', 64), string.Empty, "wechat/all.csv", "wechat-bill", Reconciler.Core.Evidence.EvidenceKind.Settlement);
        var (import, _) = await EvidenceImport.BeginAsync(Database.DataSource, identity, runId: null, Ct);
        FileImportOutcome scanned;
        await using (import!)
        {
            import!.Quarantine(7, "`garbled", "line 7: bad amount");
            scanned = await import.CommitAsync(new FileFacts("wechat", null, Day, Day), Ct);
        }

        var runId = await CreateRunAsync();
        var adopted = await Runs.AdoptScannedFileAsync(runId, scanned.FileId!.Value, Ct);
        var later = await Runs.AdoptScannedFileAsync(await CreateRunAsync(), scanned.FileId.Value, Ct);

        adopted!.Status.Should().Be(FileImportOutcome.Imported);
        adopted.RowsQuarantined.Should().Be(1);
        adopted.Detail.Should().Contain("inbox scan");
        later.Should().BeNull("the first run reported it already");
    }
}
