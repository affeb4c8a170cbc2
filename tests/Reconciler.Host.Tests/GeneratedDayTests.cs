using System.Text.Json;
using Reconciler.Host.Tests.Support;

namespace Reconciler.Host.Tests;

/// <summary>
/// <c>reconciler run</c> on a big generated day with a tenth of its orders broken: scripts/bench/generate_day.py writes
/// the day in the real formats and, from its own construction, the findings each kind must come to.
/// </summary>
public sealed class GeneratedDayTests
{
    private const int Orders = 200_000;
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task Run_FindsExactlyTheConstructedBreaks_WhenAGeneratedDayHasTenPercentBreaks()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        var inbox = await GeneratedDay.CreateAsync(sandbox, Orders, "--break-rate", "0.10");
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(inbox)!, "manifest.json")));
        var expected = manifest.RootElement.GetProperty("expected_findings").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetInt64(), StringComparer.Ordinal);
        expected.Values.Sum().Should().BeGreaterThan(Orders / 20, "the generator was asked for about 10 % breaks");
        var args = new[] { "run", "--date", GeneratedDay.Date, "--as-of", GeneratedDay.AsOf, "--inbox", inbox };

        var first = await CliProcess.RunCliAsync([.. args, "--out", sandbox.PathOf("out1")], sandbox.Environment, sandbox.Directory, RunTimeout);
        // The same inbox again: nothing new to import, every finding found again, none resolved.
        var rerun = await CliProcess.RunCliAsync([.. args, "--out", sandbox.PathOf("out2")], sandbox.Environment, sandbox.Directory, RunTimeout);

        first.ExitCode.Should().Be(0, first.ToString());
        rerun.ExitCode.Should().Be(0, rerun.ToString());
        using var firstSummary = SampleDay.ReadSummary(sandbox.PathOf("out1"));
        using var rerunSummary = SampleDay.ReadSummary(sandbox.PathOf("out2"));
        AssertFindings(firstSummary.RootElement, expected, status: "imported");
        AssertFindings(rerunSummary.RootElement, expected, status: "duplicate");
        var counts = firstSummary.RootElement.GetProperty("finding_counts");
        counts.GetProperty("new").GetInt64().Should().Be(expected.Values.Sum());
        var again = rerunSummary.RootElement.GetProperty("finding_counts");
        again.GetProperty("new").GetInt64().Should().Be(0);
        again.GetProperty("resolved").GetInt64().Should().Be(0);
    }

    private static void AssertFindings(JsonElement summary, IReadOnlyDictionary<string, long> expected, string status)
    {
        summary.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("status").GetString())
            .Should().HaveCount(6).And.OnlyContain(s => s == status);
        summary.GetProperty("quarantined").GetProperty("total").GetInt64().Should().Be(0);
        summary.GetProperty("orders").EnumerateArray().Sum(o => o.GetProperty("count").GetInt64()).Should().Be(Orders);
        summary.GetProperty("kinds").EnumerateArray()
            .ToDictionary(k => k.GetProperty("kind").GetString()!, k => k.GetProperty("count").GetInt64(), StringComparer.Ordinal)
            .Should().BeEquivalentTo(expected);
        summary.GetProperty("finding_counts").GetProperty("total").GetInt64().Should().Be(expected.Values.Sum());
    }
}
