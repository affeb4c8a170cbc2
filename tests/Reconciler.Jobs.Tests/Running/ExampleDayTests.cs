using Reconciler.Testing;

namespace Reconciler.Jobs.Tests.Running;

/// <summary>The worked example day of the product brief (real download formats), with its published findings.</summary>
public sealed class ExampleDayTests : IAsyncLifetime
{
    private RunHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await RunHarness.CreateAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task RunAsync_FindsThePublishedBreaks_ForTheWorkedExampleDay()
    {
        var inbox = Path.Combine(RepoPaths.Root, "tests", "Reconciler.Formats.Tests", "TestData", "Examples", "2026-11-18");

        var result = await _harness.RunAsync("2026-11-18", inbox, asOf: "2026-11-19T10:30:00+08:00");

        var actual = MismatchFile.Read(result.Outputs.Single(p => p.EndsWith("mismatches.csv", StringComparison.Ordinal)))
            .Select(row => $"{row["order_no"]},{row["kind"]},{row["compensation_amount"]}");
        var expected = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", "example-2026-11-18-expected.csv")).Skip(1);
        actual.Should().Equal(expected);
        result.Report.Files.Should().ContainSingle(f => f.Status == "duplicate");
        result.Report.MissingSettlements.Should().BeEmpty("no order of the day went through a channel without its file");
        result.Report.QuarantinedTotal.Should().Be(1);
    }
}
