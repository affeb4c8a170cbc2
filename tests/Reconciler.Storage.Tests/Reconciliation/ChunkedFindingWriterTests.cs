using Reconciler.Storage.Reconciliation;
using Reconciler.Storage.Tests.Support;
using static Reconciler.Storage.Tests.Support.Evidence;

namespace Reconciler.Storage.Tests.Reconciliation;

/// <summary>
/// Every <see cref="FindingWriterTests"/> case again with the findings merged two at a time while they are added (the
/// background chunks a bad day's run merges beside its evidence), so a run's outcome cannot depend on where its chunks end.
/// </summary>
public sealed class ChunkedFindingWriterTests : FindingWriterTests
{
    protected override ReconciliationStore Store => new(Database.DataSource) { FindingChunkRows = 2 };

    [Fact]
    public async Task Add_KeepsTheFindingsAddedWhileAChunkMerges_AndTheNextChunksMergeThemAll()
    {
        var runId = await CreateRunAsync();
        var findings = Enumerable.Range(0, 3_000).Select(i => Findings.ChargedNotDelivered($"KM2026111800{i:D5}")).ToList();

        FindingChanges changes;
        long waited;
        await using (var writer = await Store.BeginFindingsAsync(runId, WindowFor(Day), Ct))
        {
            foreach (var finding in findings)
            {
                writer.Add(finding, Day);
            }

            waited = writer.Waited;
            if (!OperatingSystem.IsWindows())
            {
                Directory.GetFiles(Path.GetTempPath(), "reconciler-rows-*.tmp").Should()
                    .BeEmpty("the findings wait in a file whose name is gone, so a killed run leaves none behind");
            }

            changes = await writer.CommitAsync(Ct);
        }

        waited.Should().BePositive("a chunk merges in milliseconds, a finding is added in microseconds");
        changes.New.Should().Be(findings.Count);
        changes.RequestsCreated.Should().Be(findings.Count);
        // Compared in order: an unordered equivalence of 3,000 items is matched pairwise (a minute of the test).
        (await Database.QueryAsync<string>("SELECT finding_id FROM run_finding WHERE run_id = @runId ORDER BY finding_id COLLATE \"C\"", new { runId }))
            .Should().Equal(findings.Select(f => f.FindingId).Order(StringComparer.Ordinal));
        (await Database.QueryAsync<(string, decimal)>("SELECT request_id, amount FROM compensation_request ORDER BY request_id COLLATE \"C\""))
            .Should().Equal(findings.Select(f => (f.FindingId, f.CompensationAmount!.Value)).OrderBy(r => r.FindingId, StringComparer.Ordinal));
    }
}
