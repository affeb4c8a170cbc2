using Reconciler.Storage.Migrations;
using Reconciler.Testing;

namespace Reconciler.Storage.Tests.Migrations;

public sealed class MigratorTests : IAsyncLifetime
{
    private TestDatabase? _database;

    private TestDatabase Database => _database!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(migrate: false);

    public async Task DisposeAsync() => await Database.DisposeAsync();

    [Fact]
    public async Task MigrateAsync_AppliesEveryScriptInOrder_WhenSchemaIsEmpty()
    {
        var applied = await new Migrator(Database.DataSource, Database.Schema).MigrateAsync(CancellationToken.None);

        applied.Should().Equal(Migrator.Scripts.Select(s => s.Version)).And.StartWith(1).And.Contain(2);
        var tables = await Database.QueryAsync<string>(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = @schema", new { schema = Database.Schema });
        tables.Should().Contain(
        [
            "schema_version", "run", "imported_file", "run_file", "platform_order", "settlement_line", "delivery_event",
            "quarantine", "finding", "run_finding", "compensation_request", "compensation_queue",
        ]);
        (await Database.ScalarAsync<long>("SELECT count(*) FROM schema_version WHERE version = 1")).Should().Be(1);
    }

    [Fact]
    public async Task MigrateAsync_AppliesNothing_WhenRunTwice()
    {
        var migrator = new Migrator(Database.DataSource, Database.Schema);
        await migrator.MigrateAsync(CancellationToken.None);

        var second = await migrator.MigrateAsync(CancellationToken.None);

        second.Should().BeEmpty();
        (await Database.ScalarAsync<long>("SELECT count(*) FROM schema_version")).Should().Be(Migrator.Scripts.Count);
    }

    [Fact]
    public async Task MigrateAsync_AppliesEachScriptOnce_WhenTwoTasksMigrateConcurrently()
    {
        var first = Task.Run(() => new Migrator(Database.DataSource, Database.Schema).MigrateAsync(CancellationToken.None));
        var second = Task.Run(() => new Migrator(Database.DataSource, Database.Schema).MigrateAsync(CancellationToken.None));

        var results = await Task.WhenAll(first, second);

        results.SelectMany(applied => applied).Should().Equal(Migrator.Scripts.Select(s => s.Version));
        (await Database.ScalarAsync<long>("SELECT count(*) FROM schema_version")).Should().Be(Migrator.Scripts.Count);
    }
}
