using Reconciler.Host.Tests.Support;

namespace Reconciler.Host.Tests;

/// <summary>
/// Issue 2's rule for bad input: one clear line saying what and where, a non-zero exit code, nothing half-written
/// (no out folder, no run, no imported file).
/// </summary>
public sealed class BadInputTests
{
    private static readonly SampleDay Day = SampleDay.November20;

    [Fact]
    public async Task Run_ExitsTwoWithOneLineNamingDate_WhenDateIsMissing()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        var outDir = sandbox.PathOf("out");

        var result = await sandbox.RunAsync("run", "--inbox", Day.Inbox, "--out", outDir);

        AssertOneLineError(result, 2, "--date");
        Directory.Exists(outDir).Should().BeFalse("nothing is written when the run cannot start");
        (await sandbox.CountAsync("run")).Should().Be(0);
    }

    [Fact]
    public async Task Run_ExitsTwoWithOneLineNamingTheValue_WhenDateIsNotADate()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        var outDir = sandbox.PathOf("out");

        var result = await sandbox.RunAsync("run", "--date", "2026-13-01", "--inbox", Day.Inbox, "--out", outDir);

        AssertOneLineError(result, 2, "--date", "2026-13-01");
        Directory.Exists(outDir).Should().BeFalse();
        (await sandbox.CountAsync("run")).Should().Be(0);
    }

    [Fact]
    public async Task Run_ExitsTwoWithOneLineNamingTheInbox_WhenInboxDoesNotExist()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        var inbox = sandbox.PathOf("no-such-inbox");
        var outDir = sandbox.PathOf("out");

        var result = await sandbox.RunAsync("run", "--date", Day.Date, "--as-of", Day.AsOf, "--inbox", inbox, "--out", outDir);

        AssertOneLineError(result, 2, inbox);
        Directory.Exists(outDir).Should().BeFalse();
        (await sandbox.CountAsync("run")).Should().Be(0, "no run is recorded for an inbox that cannot be read");
        (await sandbox.CountAsync("imported_file")).Should().Be(0);
    }

    [Fact]
    public async Task Run_ExitsTwoWithOneLineNamingTheFileAndWhatWasTried_WhenInboxHoldsFileOfUnknownFormat()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        var inbox = sandbox.PathOf("inbox");
        Directory.CreateDirectory(inbox);
        File.Copy(Path.Combine(Day.Inbox, "platform", "orders_20261120.csv"), Path.Combine(inbox, "orders_20261120.csv"));
        var notes = Path.Combine(inbox, "notes.txt");
        await File.WriteAllTextAsync(notes, "Dear finance team,\nthe carrier's log for Friday will come late; please run the day again on Monday.\n");
        var outDir = sandbox.PathOf("out");

        var result = await sandbox.RunAsync("run", "--date", Day.Date, "--as-of", Day.AsOf, "--inbox", inbox, "--out", outDir);

        AssertOneLineError(result, 2, notes, "tried");
        Directory.Exists(outDir).Should().BeFalse();
        (await sandbox.CountAsync("run")).Should().Be(0, "the inbox is recognised before anything is written");
        (await sandbox.CountAsync("imported_file")).Should().Be(0, "the valid orders file is not imported either");
        (await sandbox.CountAsync("platform_order")).Should().Be(0);
    }

    [Fact]
    public async Task Run_ExitsThreeWithOneLineNamingHostAndPort_WhenDatabaseIsUnreachable()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        sandbox.Environment[CliSandbox.DatabaseVariable] = "Host=127.0.0.1;Port=1;Username=postgres;Database=reconciler_test;Timeout=5";
        var outDir = sandbox.PathOf("out");

        var result = await sandbox.RunAsync(Day.RunArgs(outDir));

        AssertOneLineError(result, 3, "unreachable", "127.0.0.1:1");
        result.Stderr.Should().NotMatchRegex(@"(?m)^\s+at \S+", "no stack trace").And.NotContain("Exception");
        Directory.Exists(outDir).Should().BeFalse();
    }

    [Fact]
    public async Task Run_ExitsTwoListingKnownFormats_WhenFormatDoesNotExist()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        var outDir = sandbox.PathOf("out");

        var result = await sandbox.RunAsync([.. Day.RunArgs(outDir), "--format", "no-such-format"]);

        AssertOneLineError(result, 2, "no-such-format", "known formats", "orders", "wechat-bill", "vendor-csv", "fulu-jsonl");
        Directory.Exists(outDir).Should().BeFalse();
        (await sandbox.CountAsync("run")).Should().Be(0);
        (await sandbox.CountAsync("imported_file")).Should().Be(0);
    }

    private static void AssertOneLineError(CliResult result, int exitCode, params string[] mentions)
    {
        result.ExitCode.Should().Be(exitCode, result.ToString());
        result.StderrLines.Should().ContainSingle("exactly one line explains the failure:\n{0}", result.Stderr);
        var line = result.StderrLines[0];
        line.Should().StartWith("reconciler:");
        foreach (var mention in mentions)
        {
            line.Should().Contain(mention);
        }
    }
}
