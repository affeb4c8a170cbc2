using Reconciler.Host.Tests.Support;

namespace Reconciler.Host.Tests.Crash;

/// <summary>
/// Crash anywhere: the CLI is killed with SIGKILL at a named point of a run (RECONCILER_CRASH_AT, see
/// <c>Reconciler.Storage.CrashPoints</c>), then the date is run again; the rerun must leave exactly what an
/// uninterrupted run leaves — the same findings and compensation requests (none twice), every file whole or absent,
/// the same mismatches.csv.
/// </summary>
public sealed class KillHarnessTests(GeneratedDay day) : IClassFixture<GeneratedDay>
{
    /// <summary>SIGKILL, as a shell reports a child killed by signal 9.</summary>
    private const int Killed = 137;

    public static TheoryData<string> KillPoints() =>
    [
        "planned",                          // recognised every file, nothing written
        "run-created",                      // the run row exists, nothing imported
        "before-import#1",                  // about to import the first file
        "copy-rows#1",                      // mid-COPY of the first file (the platform orders)
        "copy-rows#4",                      // mid-COPY of a later file
        "import-copied#1",                  // orders copied, not merged
        "import-before-commit#1",           // orders merged, transaction not committed
        "imported#1",                       // first file committed and recorded
        "import-copied#3",                  // a settlement file copied
        "import-before-commit#4",           // a later file about to commit
        "imported#6",                       // the last file committed
        "statistics",                       // imports done
        "missing-settlements",
        "evidence#1",                       // streaming evidence through the rules
        "evidence#8",
        "orphans",                          // findings staged
        "findings-merged",                  // findings upserted, uncommitted
        "findings-resolved",
        "compensation-requests",            // requests inserted, uncommitted
        "findings-before-commit",
        "findings-committed",               // findings and requests committed, no report
        "report-built",
        "report-tmp:mismatches.csv",        // a temporary report file written, not renamed
        "report-renamed:report.html",       // two of three outputs in place
        "report-tmp:summary.json",
        "report-renamed:summary.json",      // outputs written, run not marked completed
        "run-completed",                    // everything done, process dies before exit
    ];

    [Theory]
    [MemberData(nameof(KillPoints))]
    public async Task Rerun_LeavesWhatAnUninterruptedRunLeaves_WhenTheRunWasKilledAtAPoint(string killPoint)
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        var outDir = sandbox.PathOf("out");
        string[] args = ["run", "--date", GeneratedDay.Date, "--as-of", GeneratedDay.AsOf, "--inbox", day.Inbox, "--out", outDir];

        sandbox.Environment[Reconciler.Storage.CrashPoints.Variable] = killPoint;
        var killed = await sandbox.RunAsync(args);
        killed.ExitCode.Should().Be(Killed, $"the run reaches {killPoint} and dies there\n{killed}");
        sandbox.Environment.Remove(Reconciler.Storage.CrashPoints.Variable);
        (await sandbox.Database.ScalarAsync<long>("SELECT count(*) FROM imported_file WHERE status = 'importing'"))
            .Should().Be(0, "a file is imported whole or not at all");

        var rerun = await sandbox.RunAsync(args);

        rerun.ExitCode.Should().Be(0, rerun.ToString());
        var state = await RunState.ReadAsync(sandbox.Database, outDir);
        state.Files.Should().Equal(day.Uninterrupted.Files, "no file is half imported or imported twice");
        state.Findings.Should().Equal(day.Uninterrupted.Findings);
        state.Requests.Should().Equal(day.Uninterrupted.Requests, "one compensation request per automatic finding, never a second");
        state.Mismatches.Should().Equal(day.Uninterrupted.Mismatches);
        (await sandbox.Database.ScalarAsync<long>("SELECT count(*) FROM run WHERE status = 'running'"))
            .Should().Be(0, "the rerun marks the killed run failed (abandoned)");
    }
}
