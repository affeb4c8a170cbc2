using System.Text.Json;
using Reconciler.Host.Tests.Support;

namespace Reconciler.Host.Tests;

/// <summary><c>reconciler run</c> on a sample day, end to end through the built CLI and a schema of its own.</summary>
public sealed class RunCommandTests
{
    private static readonly SampleDay Day = SampleDay.November20;

    [Fact]
    public async Task Run_WritesExpectedMismatchesReportAndSummary_WhenSampleDayRunsOnEmptySchema()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        var outDir = sandbox.PathOf("out");

        var result = await sandbox.RunAsync(Day.RunArgs(outDir));

        result.ExitCode.Should().Be(0, result.ToString());
        File.Exists(Path.Combine(outDir, "report.html")).Should().BeTrue();
        new FileInfo(Path.Combine(outDir, "report.html")).Length.Should().BePositive();
        var rows = Day.AssertMismatches(outDir, status: "new");
        rows.Should().HaveCount(16, "samples/README.md expects 16 findings for 2026-11-20");

        using var summary = SampleDay.ReadSummary(outDir);
        var root = summary.RootElement;
        root.GetProperty("finding_counts").GetProperty("total").GetInt64().Should().Be(rows.Count);
        root.GetProperty("finding_counts").GetProperty("new").GetInt64().Should().Be(rows.Count);
        root.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("finding_id").GetString())
            .Should().Equal(rows.Select(r => r["finding_id"]), "summary.json lists the same findings as mismatches.csv");
        root.GetProperty("files").EnumerateArray().Select(f => (f.GetProperty("name").GetString(), f.GetProperty("status").GetString()))
            .Should().BeEquivalentTo(Day.ExpectedFiles.Select(f => ((string?)f["file"], (string?)f["status"])));
        result.Stdout.Should().Contain("16 findings (16 new, 0 still open, 0 resolved)");
        result.Stderr.Should().BeEmpty();
        result.Stdout.Should().NotContain("rows/s", "stdout is a pipe here: no live progress").And.NotContain("\u001b[");
    }

    [Fact]
    public async Task Run_ShowsEveryPhaseWithRowsPerSecondThenTheSummary_WhenStdoutIsATerminal()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        var outDir = sandbox.PathOf("out");
        // util-linux script(1) gives the CLI a pseudo-terminal for stdin, stdout and stderr and copies what it draws.
        var command = string.Join(' ', new[] { "dotnet", CliProcess.CliDll }.Concat(Day.RunArgs(outDir)).Select(ShellQuote));
        var environment = new Dictionary<string, string?>(sandbox.Environment, StringComparer.Ordinal) { ["TERM"] = "xterm-256color" };

        var result = await CliProcess.RunAsync("script", ["-qfec", command, "/dev/null"], environment, sandbox.Directory, CliProcess.DefaultTimeout);

        result.ExitCode.Should().Be(0, result.ToString());
        var screen = result.Stdout;
        screen.Should().Contain("\u001b[", "the progress is drawn live on a terminal");
        var phases = new[] { "importing", "analysing", "matching", "writing findings", "grouping incidents", "reporting" };
        // A finished phase's line is written once, in green, above the live line; the live line shows whichever phase
        // is running at a refresh (green once it ended), so on a small day it may skip one or show a phase finished
        // before the line above it is written: the last green line of each phase carries the order.
        var at = phases.Select(phase => screen.LastIndexOf("\u001b[38;5;2m" + phase, StringComparison.Ordinal)).ToList();
        var shown = screen.Replace("\u001b", "<ESC>", StringComparison.Ordinal);
        at.Should().NotContain(-1, shown).And.BeInAscendingOrder("finished phases are written in the order the run goes through them: {0}", shown);
        screen.Should().MatchRegex(@"importing\s+(\u001b\[[0-9;]*m)*\s*[0-9,]+ rows\s+[0-9,]+ rows/s", "the import shows its rows and their rate");
        screen.IndexOf("16 findings (16 new, 0 still open, 0 resolved)", StringComparison.Ordinal).Should().BeGreaterThan(at[^1]);
        Day.AssertMismatches(outDir, status: "new");
    }

    private static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [Fact]
    public async Task Run_FindsExactlyTheExpectedBreaks_WhenTheInboxHoldsEveryFormatAtOnce()
    {
        var day = SampleDay.November21;
        await using var sandbox = await CliSandbox.CreateAsync();
        var outDir = sandbox.PathOf("out");

        var result = await sandbox.RunAsync(day.RunArgs(outDir));

        result.ExitCode.Should().Be(0, result.ToString());
        day.AssertMismatches(outDir, status: "new");
        using var summary = SampleDay.ReadSummary(outDir);
        summary.RootElement.GetProperty("files").EnumerateArray()
            .Select(f => (f.GetProperty("name").GetString()!.Split('!')[0], f.GetProperty("status").GetString()))
            .Should().BeEquivalentTo(day.ExpectedFiles.Select(f => (f["file"], (string?)f["status"])));
        result.Stdout.Should().Contain("rejected").And.Contain("duplicate");
    }

    [Fact]
    public async Task Run_ReportsEveryFileDuplicateAndCreatesNoSecondCompensation_WhenSameDayRunsTwice()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        var first = await sandbox.RunAsync(Day.RunArgs(sandbox.PathOf("out1")));
        first.ExitCode.Should().Be(0, first.ToString());
        var requestsAfterFirst = await sandbox.CountAsync("compensation_request");
        var automatic = Day.ExpectedMismatches.Count(r => r["compensation_action"] is "refund" or "redeliver");
        requestsAfterFirst.Should().Be(automatic, "each automatic finding yields exactly one compensation request");

        var outDir = sandbox.PathOf("out2");
        var second = await sandbox.RunAsync(Day.RunArgs(outDir));

        second.ExitCode.Should().Be(0, second.ToString());
        Day.AssertMismatches(outDir, status: "open");
        using var summary = SampleDay.ReadSummary(outDir);
        var files = summary.RootElement.GetProperty("files").EnumerateArray().ToList();
        files.Select(f => f.GetProperty("name").GetString()).Should().BeEquivalentTo(Day.ExpectedFiles.Select(f => f["file"]));
        files.Should().OnlyContain(f => f.GetProperty("status").GetString() == "duplicate", "the same bytes were imported by the first run");
        summary.RootElement.GetProperty("finding_counts").GetProperty("open").GetInt64().Should().Be(Day.ExpectedMismatches.Count);
        summary.RootElement.GetProperty("finding_counts").GetProperty("new").GetInt64().Should().Be(0);
        var stdoutLines = second.Stdout.Split('\n');
        foreach (var file in Day.ExpectedFiles.Select(f => f["file"]))
        {
            stdoutLines.Should().Contain(l => l.Contains(file, StringComparison.Ordinal) && l.Contains("duplicate", StringComparison.Ordinal),
                "stdout names {0} as a duplicate on one line:\n{1}", file, second.Stdout);
        }

        (await sandbox.CountAsync("compensation_request")).Should().Be(requestsAfterFirst, "a rerun never creates a second request");
        (await sandbox.CountAsync("run")).Should().Be(2);
    }

    [Fact]
    public async Task Run_ReadsAsOfAsShanghaiTime_WhenAsOfHasNoOffset()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        var outDir = sandbox.PathOf("out");

        // 10:30 in Beijing; read as UTC (18:30 in Beijing) an in-flight order would pass its 24 h hold limit.
        var result = await sandbox.RunAsync(Day.RunArgs(outDir, asOf: "2026-11-21T10:30:00"));

        result.ExitCode.Should().Be(0, result.ToString());
        Day.AssertMismatches(outDir, status: "new");
        using var summary = SampleDay.ReadSummary(outDir);
        summary.RootElement.GetProperty("run").GetProperty("as_of").GetDateTimeOffset()
            .Should().Be(new DateTimeOffset(2026, 11, 21, 2, 30, 0, TimeSpan.Zero));
    }
}
