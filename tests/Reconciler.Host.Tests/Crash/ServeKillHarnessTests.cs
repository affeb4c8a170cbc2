using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Reconciler.Host.Tests.Support;
using Reconciler.Storage;
using Xunit.Abstractions;

namespace Reconciler.Host.Tests.Crash;

/// <summary>
/// Crash anywhere, for a run queued to <c>serve</c>: the serve process executing it is killed with SIGKILL at a named
/// point (RECONCILER_CRASH_AT, see <c>Reconciler.Storage.CrashPoints</c>), then a fresh serve process takes the job
/// over once its invisibility timeout has passed and finishes it. The run must end completed, with its attempts
/// counted, and leave exactly what an uninterrupted run leaves: the same findings and compensation requests (none
/// twice), every file whole or absent, the same mismatches.csv (stored and written), one run.completed event, the
/// Hangfire job succeeded and nothing left in its queue. Prints a table of kill point → outcome.
/// </summary>
public sealed class ServeKillHarnessTests(GeneratedDay day, ITestOutputHelper output) : IClassFixture<GeneratedDay>
{
    /// <summary>SIGKILL, as .NET reports a child killed by signal 9.</summary>
    private const int Killed = 137;

    /// <summary>Kill points tried side by side, each in a schema of its own: most of a point's time is spent waiting.</summary>
    private const int Lanes = 4;

    /// <summary>
    /// Short, so the next server takes a dead server's job within seconds. Safe here: one server lives at a time, with
    /// one worker, so no other worker can take a job that is still running.
    /// </summary>
    private const string InvisibilityTimeout = "00:00:03";

    /// <summary>
    /// Each point and the attempts its run counts once finished: the killed attempt counts when it had marked the run
    /// running and had not committed its completion.
    /// </summary>
    private static readonly (string Point, int Attempts)[] KillPoints =
    [
        ("job-fetched", 1),                 // the worker took the job, nothing done
        ("planned", 1),                     // every file recognised, the run not yet started
        ("run-created", 2),                 // the run marked running (attempt 1), nothing imported
        ("copy-rows#1", 2),                 // mid-COPY of the platform orders
        ("import-copied#1", 2),             // orders copied, not merged
        ("import-before-commit#1", 2),      // orders merged, transaction not committed
        ("imported#1", 2),                  // first file committed and recorded
        ("copy-rows#4", 2),                 // mid-COPY of a later file
        ("import-before-commit#4", 2),
        ("imported#6", 2),                  // the last file committed
        ("statistics", 2),                  // imports analysed
        ("evidence#1", 2),                  // streaming evidence through the rules
        ("evidence#8", 2),
        ("orphans", 2),                     // findings staged
        ("findings-merged", 2),             // findings upserted, uncommitted
        ("findings-resolved", 2),
        ("compensation-requests", 2),       // requests inserted, uncommitted
        ("findings-committed", 2),          // findings and requests committed, no report
        ("report-built", 2),
        ("report-tmp:mismatches.csv", 2),   // a report file written under its temporary name
        ("report-renamed:summary.json", 2), // every output in place, stored but not committed
        ("run-output-stored", 2),           // outputs stored in run_output, the transaction not committed
        ("run-completed-uncommitted", 2),   // run marked completed with its events, not committed
        ("run-completed", 1),               // completion committed; the job is fetched again and does nothing
    ];

    [Fact]
    public async Task QueuedRun_EndsAsAnUninterruptedRunLeavesIt_WhenItsServerIsKilledAtAnyPoint()
    {
        var clock = Stopwatch.StartNew();
        var outcomes = new ConcurrentDictionary<string, Outcome>(StringComparer.Ordinal);

        await Parallel.ForEachAsync(KillPoints, new ParallelOptions { MaxDegreeOfParallelism = Lanes }, async (point, _) =>
            outcomes[point.Point] = await KillAndRecoverAsync(point.Point, point.Attempts));

        var table = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"serve kill harness: {KillPoints.Length} points, {Lanes} at a time, {clock.Elapsed.TotalSeconds:0} s")
            .AppendLine("| kill point | run at the kill | after another server took the job | outcome | s |")
            .AppendLine("|---|---|---|---|---|");
        foreach (var (point, _) in KillPoints)
        {
            var o = outcomes[point];
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| `{point}` | {o.AtKill} | {o.AfterRecovery} | {o.Failure ?? "same as uninterrupted"} | {o.Seconds:0} |");
        }

        output.WriteLine(table.ToString());
        outcomes.Values.Where(o => o.Failure is not null).Should().BeEmpty("every killed run ends as an uninterrupted one\n{0}", table);
    }

    private async Task<Outcome> KillAndRecoverAsync(string point, int expectedAttempts)
    {
        var clock = Stopwatch.StartNew();
        var atKill = "–";
        var afterRecovery = "–";
        await using var sandbox = await CliSandbox.CreateAsync();
        try
        {
            var environment = ServeProcess.Environment(sandbox, day.Inbox);
            environment["RECONCILER__Reconciler__Jobs__WorkerCount"] = "1";
            environment["RECONCILER__Reconciler__Jobs__InvisibilityTimeout"] = InvisibilityTimeout;
            // The one worker is the run's alone.
            environment["RECONCILER__Reconciler__Schedule__Webhooks"] = "0 0 1 1 *";
            long runId;
            await using (var victim = await ServeProcess.StartAsync(sandbox, new Dictionary<string, string?>(environment) { [CrashPoints.Variable] = point }))
            {
                runId = await victim.PostRunAsync(GeneratedDay.Date, GeneratedDay.AsOf, $"killed at {point}");
                var died = await victim.WaitForExitAsync(TimeSpan.FromSeconds(90));
                died.Should().BeTrue("the run reaches {0} and its server dies there\n{1}", point, victim.Output);
                victim.ExitCode.Should().Be(Killed, "SIGKILL at {0}\n{1}", point, victim.Output);
            }

            var (status, attempts) = await RunRowAsync(sandbox, runId);
            atKill = $"{status}, {attempts} attempt{(attempts == 1 ? "" : "s")}";
            (await sandbox.Database.ScalarAsync<long>("SELECT count(*) FROM imported_file WHERE status = 'importing'"))
                .Should().Be(0, "a file is imported whole or not at all");

            await using var recovery = await ServeProcess.StartAsync(sandbox, environment);
            var job = await WaitForJobAsync(sandbox, runId, recovery);
            (status, attempts) = await RunRowAsync(sandbox, runId);
            afterRecovery = $"{status}, {attempts} attempt{(attempts == 1 ? "" : "s")}, job {job}";

            job.Should().Be("Succeeded", "the job ends once, and leaves the queue\n{0}", recovery.Output);
            status.Should().Be("completed", recovery.Output);
            attempts.Should().Be(expectedAttempts);
            (await sandbox.Database.ScalarAsync<long>("SELECT count(*) FROM run")).Should().Be(1, "the job finishes its own run, it starts no other");
            var outDir = Path.Combine(sandbox.PathOf("out"), GeneratedDay.Date, $"run-{runId}");
            var state = await RunState.ReadAsync(sandbox.Database, outDir);
            state.Files.Should().Equal(day.Uninterrupted.Files, "no file is half imported or imported twice");
            state.Findings.Should().Equal(day.Uninterrupted.Findings);
            state.Requests.Should().Equal(day.Uninterrupted.Requests, "one compensation request per automatic finding, never a second");
            state.Mismatches.Should().Equal(day.Uninterrupted.Mismatches);
            (await new Reconciler.Storage.Runs.RunStore(sandbox.Database.DataSource).ReadOutputAsync(runId, "mismatches.csv", CancellationToken.None))
                .Should().Equal(await File.ReadAllBytesAsync(Path.Combine(outDir, "mismatches.csv")), "the stored output is the written one");
            (await sandbox.Database.ScalarAsync<long>(
                    "SELECT count(*) FROM event_outbox WHERE event_type = 'run.completed' AND (payload ->> 'runId')::bigint = @runId", new { runId }))
                .Should().Be(1, "the completion is announced once");
            return new Outcome(atKill, afterRecovery, null, clock.Elapsed.TotalSeconds);
        }
        catch (Exception e)
        {
            return new Outcome(atKill, afterRecovery, "FAILED: " + e.Message.ReplaceLineEndings(" "), clock.Elapsed.TotalSeconds);
        }
        finally
        {
            await ServeProcess.DropHangfireSchemaAsync(sandbox);
        }
    }

    private static async Task<(string Status, int Attempts)> RunRowAsync(CliSandbox sandbox, long runId) =>
        (await sandbox.Database.QueryAsync<(string, int)>("SELECT status, attempts FROM run WHERE run_id = @runId", new { runId })).Single();

    /// <summary>Waits until the run's Hangfire job reached a final state (Succeeded, Failed, Deleted) and left the queue; returns the state.</summary>
    private static async Task<string> WaitForJobAsync(CliSandbox sandbox, long runId, ServeProcess server)
    {
        // The worker removes the job from the queue just after it records the final state: wait for both.
        var hangfire = ServeProcess.HangfireSchema(sandbox);
        var sql = $"""
            SELECT j.statename || CASE WHEN EXISTS (SELECT FROM "{hangfire}".jobqueue q WHERE q.jobid = j.id) THEN ' (queued)' ELSE '' END
            FROM "{hangfire}".job j JOIN run r ON r.hangfire_job_id = j.id::text WHERE r.run_id = @runId
            """;
        var deadline = DateTime.UtcNow.AddSeconds(120);
        string? state = null;
        while (DateTime.UtcNow < deadline)
        {
            state = (await sandbox.Database.QueryAsync<string?>(sql, new { runId })).SingleOrDefault();
            if (state is "Succeeded" or "Failed" or "Deleted")
            {
                return state;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"the job of run {runId} is still {state ?? "unknown"} after 120 s\n{server.Output}");
    }

    private sealed record Outcome(string AtKill, string AfterRecovery, string? Failure, double Seconds);
}
