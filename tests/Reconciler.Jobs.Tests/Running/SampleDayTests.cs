using Reconciler.Testing;

namespace Reconciler.Jobs.Tests.Running;

public sealed class SampleDayTests : IAsyncLifetime
{
    private RunHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await RunHarness.CreateAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Theory]
    [InlineData("2026-11-20")]
    [InlineData("2026-11-21")]
    public async Task RunAsync_ReproducesTheExpectedMismatches_ForEachSampleDay(string day)
    {
        var result = await _harness.RunAsync(day, Path.Combine(RepoPaths.Sample(day), "inbox"));

        var mismatches = result.Outputs.Single(p => p.EndsWith("mismatches.csv", StringComparison.Ordinal));
        MismatchFile.WithoutDetail(mismatches).Should().Equal(MismatchFile.WithoutDetail(Path.Combine(RepoPaths.Sample(day), "expected-mismatches.csv")));
        MismatchFile.Read(mismatches).Should().OnlyContain(row => row["detail"].Length > 0);
    }

    [Theory]
    [InlineData("2026-11-20")]
    [InlineData("2026-11-21")]
    public async Task RunAsync_ReportsEveryFileAsExpected_ForEachSampleDay(string day)
    {
        var result = await _harness.RunAsync(day, Path.Combine(RepoPaths.Sample(day), "inbox"));

        var expected = File.ReadAllLines(Path.Combine(RepoPaths.Sample(day), "expected-files.csv"))
            .Skip(1)
            .Select(line => line.Split(','))
            .ToDictionary(cells => cells[0], cells => (Status: cells[1], Quarantined: long.Parse(cells[2], System.Globalization.CultureInfo.InvariantCulture)));
        var files = result.Report.Files
            .GroupBy(f => f.Name.Split('!')[0])
            .ToDictionary(g => g.Key, g => (Status: g.First().Status, Quarantined: g.Sum(f => f.Quarantined)));
        files.Should().BeEquivalentTo(expected);
        result.Report.QuarantinedTotal.Should().Be(expected.Values.Sum(v => v.Quarantined));
    }

    [Fact]
    public async Task RunAsync_WritesTheThreeOutputsAndStoresTheRun_WhenTheDayCompletes()
    {
        var result = await _harness.RunAsync("2026-11-20", Path.Combine(RepoPaths.Sample("2026-11-20"), "inbox"));

        result.Outputs.Select(Path.GetFileName).Should().BeEquivalentTo("mismatches.csv", "report.html", "summary.json");
        result.Outputs.Should().OnlyContain(path => File.Exists(path));
        (await _harness.Database.ScalarAsync<string>("SELECT status FROM run WHERE run_id = @id", new { id = result.RunId })).Should().Be("completed");
        (await _harness.Database.ScalarAsync<long>("SELECT count(*) FROM platform_order")).Should().Be(300);
        (await _harness.Database.ScalarAsync<long>("SELECT count(*) FROM quarantine WHERE line_no > 0 AND raw_text LIKE '%,two%'")).Should().Be(1);
        var automatic = result.Report.Findings.Count(f => f.Finding.IsAutomatic);
        (await _harness.Database.ScalarAsync<long>("SELECT count(*) FROM compensation_request WHERE state = 'pending'")).Should().Be(automatic);
    }
}
