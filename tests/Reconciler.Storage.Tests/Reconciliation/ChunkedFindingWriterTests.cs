using Reconciler.Storage.Reconciliation;

namespace Reconciler.Storage.Tests.Reconciliation;

/// <summary>
/// Every <see cref="FindingWriterTests"/> case again with the findings merged two at a time while they are added (the
/// background chunks a bad day's run merges beside its evidence), so a run's outcome cannot depend on where its chunks end.
/// </summary>
public sealed class ChunkedFindingWriterTests : FindingWriterTests
{
    protected override ReconciliationStore Store => new(Database.DataSource) { FindingChunkRows = 2 };
}
