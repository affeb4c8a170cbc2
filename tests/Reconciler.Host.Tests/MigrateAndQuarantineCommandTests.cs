using System.Text.RegularExpressions;
using Reconciler.Host.Tests.Support;

namespace Reconciler.Host.Tests;

/// <summary><c>reconciler migrate</c> and <c>reconciler quarantine list</c> through the built CLI.</summary>
public sealed class MigrateAndQuarantineCommandTests
{
    private static readonly SampleDay Day = SampleDay.November20;

    [Fact]
    public async Task Migrate_SaysUpToDateAndCreatesTables_WhenSchemaIsEmpty()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        (await sandbox.CountAsync("schema_version")).Should().Be(0);

        var result = await sandbox.RunAsync("migrate");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("up to date");
        result.Stderr.Should().BeEmpty();
        (await sandbox.CountAsync("schema_version")).Should().BePositive("the migrations were applied to the empty schema");
        (await sandbox.Database.ScalarAsync<bool>("SELECT to_regclass('compensation_request') IS NOT NULL")).Should().BeTrue();
    }

    [Fact]
    public async Task QuarantineList_ShowsMangledCarrierLineWithFileAndLineNumber_AfterSampleDayRun()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        var run = await sandbox.RunAsync(Day.RunArgs(sandbox.PathOf("out")));
        run.ExitCode.Should().Be(0, run.ToString());
        const string carrier = "vendors/carrier_delivery_20261120.csv";
        var lines = await File.ReadAllLinesAsync(Path.Combine(Day.Inbox, carrier));
        var mangledIndex = Array.FindIndex(lines, l => l.EndsWith(",two", StringComparison.Ordinal));
        mangledIndex.Should().BeGreaterThan(0, "the sample carrier log has one mangled line");
        var lineNumber = (mangledIndex + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = await sandbox.RunAsync("quarantine", "list");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Stdout.Split('\n').Should().Contain(
            l => l.Contains(carrier, StringComparison.Ordinal)
                && Regex.IsMatch(l, $@"(^|\W){lineNumber}(\W|$)")
                && l.Contains(lines[mangledIndex], StringComparison.Ordinal),
            "one line shows the file, its line number {0} and the raw text:\n{1}", lineNumber, result.Stdout);
        result.Stdout.Should().Contain("1 quarantined line(s)");
    }
}
