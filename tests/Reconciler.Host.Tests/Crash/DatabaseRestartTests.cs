using Npgsql;
using Reconciler.Host.Tests.Support;
using Reconciler.Testing;

namespace Reconciler.Host.Tests.Crash;

/// <summary>
/// PostgreSQL restarted in the middle of a run, on a throwaway cluster of its own (scripts/pg-throwaway.sh, port
/// 55439) so the shared test cluster is never disturbed: the run fails with one clear line, and the rerun completes
/// with the sample day's expected findings.
/// </summary>
public sealed class DatabaseRestartTests : IAsyncLifetime
{
    private const string Port = "55439";
    private static readonly string Script = Path.Combine(RepoPaths.Root, "scripts", "pg-throwaway.sh");
    private readonly string _folder = Directory.CreateTempSubdirectory("reconciler-restart-").FullName;
    private string _connection = string.Empty;

    public async Task InitializeAsync()
    {
        var started = await CliProcess.RunAsync("bash", [Script, "start", Port], new Dictionary<string, string?>(), RepoPaths.Root, TimeSpan.FromMinutes(2));
        started.ExitCode.Should().Be(0, started.ToString());
        _connection = started.Stdout.Trim();
    }

    public async Task DisposeAsync()
    {
        await CliProcess.RunAsync("bash", [Script, "stop", Port], new Dictionary<string, string?>(), RepoPaths.Root, TimeSpan.FromMinutes(1));
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData("import-copied#2")]
    [InlineData("findings-merged")]
    public async Task Run_FailsWithOneLineAndTheRerunSucceeds_WhenPostgresRestartsMidRun(string pausePoint)
    {
        var day = SampleDay.November20;
        var schema = "restart_" + Guid.NewGuid().ToString("N")[..8];
        var pauseFile = Path.Combine(_folder, "paused");
        var outDir = Path.Combine(_folder, schema);
        var environment = new Dictionary<string, string?>
        {
            ["RECONCILER_DB"] = _connection,
            ["RECONCILER__Reconciler__Storage__Schema"] = schema,
            [Reconciler.Storage.CrashPoints.PauseVariable] = pausePoint,
            [Reconciler.Storage.CrashPoints.PauseFileVariable] = pauseFile,
        };

        var running = CliProcess.RunCliAsync(day.RunArgs(outDir), environment, _folder, TimeSpan.FromMinutes(2));
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!File.Exists(pauseFile) && !running.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        File.Exists(pauseFile).Should().BeTrue($"the run reaches {pausePoint}");
        var restarted = await CliProcess.RunAsync("bash", [Script, "restart", Port], new Dictionary<string, string?>(), RepoPaths.Root, TimeSpan.FromMinutes(1));
        restarted.ExitCode.Should().Be(0, restarted.ToString());
        File.Delete(pauseFile);
        var failed = await running;

        failed.ExitCode.Should().Be(3, failed.ToString());
        failed.StderrLines.Should().ContainSingle().Which.Should().StartWith("reconciler: the database at 127.0.0.1:55439/reconciler_test went away mid-command");
        failed.Stderr.Should().NotContain("Password").And.NotContain("Username");

        environment.Remove(Reconciler.Storage.CrashPoints.PauseVariable);
        var rerun = await CliProcess.RunCliAsync(day.RunArgs(outDir), environment, _folder, TimeSpan.FromMinutes(2));

        rerun.ExitCode.Should().Be(0, rerun.ToString());
        var findings = Rfc4180.ReadFile(Path.Combine(outDir, "mismatches.csv"));
        findings.Select(f => (f["order_no"], f["kind"], f["compensation_amount"]))
            .Should().BeEquivalentTo(day.ExpectedMismatches.Select(f => (f["order_no"], f["kind"], f["compensation_amount"])));
        await using var dataSource = NpgsqlDataSource.Create(_connection);
        await using var command = dataSource.CreateCommand(
            $"SELECT (SELECT count(*) FROM \"{schema}\".run WHERE status = 'failed') || '/' || (SELECT count(*) FROM \"{schema}\".run WHERE status = 'completed')");
        (await command.ExecuteScalarAsync()).Should().Be("1/1", "the interrupted run is recorded failed, the rerun completed");
    }
}
