using Reconciler.Core.Evidence;
using Reconciler.Jobs.Running;
using Reconciler.Storage.Runs;

namespace Reconciler.Jobs.Tests.Running;

/// <summary>
/// When a run refreshes each evidence table's statistics: once a core has no file left to import and the table's files
/// are all in, and the rest after the import.
/// </summary>
public sealed class StatisticsRefreshTests : IAsyncLifetime
{
    private RunHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await RunHarness.CreateAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task StartsATable_OnlyOnceACoreIsFree_AndEveryFileFeedingItIsIn()
    {
        await using var refresh = new StatisticsRefresh(
            _harness.Get<RunStore>(), [EvidenceKind.Orders, EvidenceKind.Settlement, EvidenceKind.Settlement, EvidenceKind.Delivery],
            lanes: 4, parallelism: 2, CancellationToken.None);

        refresh.FileDone(EvidenceKind.Orders, 10);
        refresh.LaneDone();
        refresh.Started.Should().BeEmpty("three lanes are left for two cores: the orders' ANALYZE would take a core from the bills");

        refresh.FileDone(EvidenceKind.Settlement, 5);
        refresh.LaneDone();
        refresh.Started.Should().BeEmpty("two lanes are left for two cores");

        refresh.FileDone(EvidenceKind.Settlement, 0);
        refresh.LaneDone();
        refresh.Started.Should().Equal([EvidenceKind.Orders, EvidenceKind.Settlement], "one lane is left: a core is free, and both tables' files are in");

        refresh.FileDone(EvidenceKind.Delivery, 0);
        refresh.LaneDone();
        refresh.Started.Should().Equal([EvidenceKind.Orders, EvidenceKind.Settlement], "the delivery file added no row");

        (await NeverAnalysedAsync()).Should().Contain("delivery_event");
        await refresh.CompleteAsync();

        refresh.Started.Should().Equal(EvidenceKind.Orders, EvidenceKind.Settlement, EvidenceKind.Delivery);
        (await NeverAnalysedAsync()).Should().BeEmpty("after the import every table is analysed");
    }

    [Fact]
    public async Task StartsATable_AsItsLastFileIsIn_WhenThereWereFewerLanesThanCores()
    {
        await using var refresh = new StatisticsRefresh(
            _harness.Get<RunStore>(), [EvidenceKind.Settlement, EvidenceKind.Settlement], lanes: 1, parallelism: 2, CancellationToken.None);

        refresh.FileDone(EvidenceKind.Settlement, 3);
        refresh.Started.Should().BeEmpty("a settlement file is still to come");
        refresh.FileDone(EvidenceKind.Settlement, 4);
        refresh.Started.Should().Equal(EvidenceKind.Settlement);
        refresh.LaneDone();

        await refresh.CompleteAsync();
        (await NeverAnalysedAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task CountsTheOrdersReadFromThePlatformsDatabase_AsRowsOfTheOrdersTable()
    {
        await using var refresh = new StatisticsRefresh(
            _harness.Get<RunStore>(), [EvidenceKind.Orders, EvidenceKind.Delivery], lanes: 2, parallelism: 2, CancellationToken.None);
        refresh.Added(EvidenceKind.Orders, 100);

        refresh.FileDone(EvidenceKind.Orders, 0);
        refresh.LaneDone();

        refresh.Started.Should().Equal([EvidenceKind.Orders], "the export added nothing, the platform's database did");
        await refresh.CompleteAsync();
    }

    // pg_class.reltuples is -1 until a table is first vacuumed or analysed (PostgreSQL 14 on), 0 after an ANALYZE of an empty one.
    private async Task<List<string>> NeverAnalysedAsync() =>
        [.. await _harness.Database.QueryAsync<string>(
            """
            SELECT c.relname::text FROM pg_class c
            WHERE c.oid IN ('platform_order'::regclass, 'settlement_line'::regclass, 'delivery_event'::regclass) AND c.reltuples < 0
            ORDER BY 1
            """)];
}
