using System.Diagnostics;
using System.Globalization;
using Reconciler.Host.Tests.Support;
using Reconciler.Testing;

namespace Reconciler.Host.Tests.Serve;

/// <summary>Two real <c>serve</c> processes on one database: a run is executed once, and survives the death of its server.</summary>
public sealed class ServeClusterTests
{
    private const string GeneratedDate = GeneratedDay.Date;
    private const string GeneratedAsOf = GeneratedDay.AsOf;

    [Fact]
    public async Task Run_IsExecutedOnce_WhenTwoServersShareTheDatabase()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        try
        {
            var environment = ServeProcess.Environment(sandbox, SampleDay.November20.Inbox);
            await using var first = await ServeProcess.StartAsync(sandbox, environment);
            await using var second = await ServeProcess.StartAsync(sandbox, environment);

            var runIds = new List<long>();
            foreach (var server in new[] { first, second, first, second })
            {
                runIds.Add(await server.PostRunAsync(SampleDay.November20.Date, SampleDay.November20.AsOf));
            }

            foreach (var runId in runIds)
            {
                var run = await first.WaitForRunAsync(runId, ServeProcess.IsFinished, TimeSpan.FromSeconds(120), second);
                run.GetProperty("status").GetString().Should().Be("completed", run.ToString());
                run.GetProperty("attempts").GetInt32().Should().Be(1, "run {0} was started once", runId);
            }

            // The job logs "completed" after the run row says so: a run read as completed a moment ago may not have
            // written its line yet (seen once in the suite), so the lines are awaited, a few seconds at most.
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (runIds.Any(runId => CountOf(first.Output + second.Output, $"Run {runId} for {SampleDay.November20.Date} completed") == 0)
                   && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            var logs = first.Output + second.Output;
            foreach (var runId in runIds)
            {
                CountOf(logs, $"Run {runId} for {SampleDay.November20.Date} completed").Should().Be(1, "run {0} executed on exactly one server", runId);
            }
        }
        finally
        {
            await ServeProcess.DropHangfireSchemaAsync(sandbox);
        }
    }

    [Fact]
    public async Task Run_IsFinishedByTheOtherServerWithTheSameFindings_WhenItsServerIsKilledMidRun()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        await using var reference = await TestDatabase.CreateAsync(migrate: false);
        try
        {
            var inbox = await GeneratedDay.CreateAsync(sandbox, orders: 60_000);

            // The uninterrupted run of the same day, by the CLI in a schema of its own.
            var uninterrupted = await CliProcess.RunCliAsync(
                ["run", "--date", GeneratedDate, "--as-of", GeneratedAsOf, "--inbox", inbox, "--out", sandbox.PathOf("reference-out")],
                new Dictionary<string, string?>(sandbox.Environment) { [CliSandbox.SchemaVariable] = reference.Schema },
                sandbox.Directory, TimeSpan.FromMinutes(5));
            uninterrupted.ExitCode.Should().Be(0, uninterrupted.ToString());

            var environment = ServeProcess.Environment(sandbox, inbox);
            await using var first = await ServeProcess.StartAsync(sandbox, environment);
            await using var second = await ServeProcess.StartAsync(sandbox, environment);
            var runId = await second.PostRunAsync(GeneratedDate, GeneratedAsOf, "kill test");

            var running = await second.WaitForRunAsync(runId, r => r.GetProperty("status").GetString() is "running" or "completed" or "failed", TimeSpan.FromSeconds(60), first);
            running.GetProperty("status").GetString().Should().Be("running", "the run must still be going when its server is killed");
            var executor = running.GetProperty("server").GetString()!;
            var (victim, survivor) = executor.Contains($":{first.ProcessId}:", StringComparison.Ordinal) ? (first, second) : (second, first);
            executor.Should().Contain($":{victim.ProcessId}:");
            await victim.KillAsync();
            var finished = await survivor.WaitForRunAsync(runId, ServeProcess.IsFinished, TimeSpan.FromMinutes(4));

            finished.GetProperty("status").GetString().Should().Be("completed", finished.ToString());
            finished.GetProperty("attempts").GetInt32().Should().Be(2, "the killed attempt and the one that finished");
            finished.GetProperty("server").GetString().Should().Contain($":{survivor.ProcessId}:");
            var findings = await FindingsAsync(sandbox.Database);
            findings.Should().NotBeEmpty().And.BeEquivalentTo(await FindingsAsync(reference), "the interrupted run ends with the uninterrupted run's findings");
            (await RequestsAsync(sandbox.Database)).Should().BeEquivalentTo(await RequestsAsync(reference), "and the same compensation requests, one per finding");
            (await sandbox.Database.ScalarAsync<long>("SELECT count(*) FROM imported_file WHERE status = 'importing'"))
                .Should().Be(0, "no file is left half imported");
        }
        finally
        {
            await ServeProcess.DropHangfireSchemaAsync(sandbox);
        }
    }

    private static Task<IReadOnlyList<(string, string, string, decimal?)>> FindingsAsync(TestDatabase database) =>
        database.QueryAsync<(string, string, string, decimal?)>(
            "SELECT finding_id, kind, status, compensation_amount FROM finding ORDER BY finding_id");

    private static Task<IReadOnlyList<(string, string, decimal, string)>> RequestsAsync(TestDatabase database) =>
        database.QueryAsync<(string, string, decimal, string)>(
            "SELECT request_id, action, amount, state FROM compensation_request ORDER BY request_id");

    private static int CountOf(string text, string fragment)
    {
        var count = 0;
        for (var at = text.IndexOf(fragment, StringComparison.Ordinal); at >= 0; at = text.IndexOf(fragment, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
