using Npgsql;
using Reconciler.Storage.Tests.Support;

namespace Reconciler.Storage.Tests;

public sealed class DataSourceTests : DatabaseTest
{
    [Fact]
    public async Task CreateDataSource_GivesEachConnectionLargeBuffers_WhenTheConnectionStringSetsNone()
    {
        var options = new StorageOptions { ConnectionString = Database.ConnectionString, Schema = Database.Schema };

        await using var dataSource = StorageServiceCollectionExtensions.CreateDataSource(options);
        await using var connection = await dataSource.OpenConnectionAsync(Ct);

        var settings = new NpgsqlConnectionStringBuilder(connection.ConnectionString);
        settings.ReadBufferSize.Should().Be(StorageServiceCollectionExtensions.BufferSize);
        settings.WriteBufferSize.Should().Be(StorageServiceCollectionExtensions.BufferSize);
        settings.SearchPath.Should().Be(Database.Schema);
        // The connection works with them: a statement's rows come back through the read buffer.
        await using var command = new NpgsqlCommand("SELECT count(*) FROM generate_series(1, 100000)", connection);
        (await command.ExecuteScalarAsync(Ct)).Should().Be(100_000L);
    }

    [Fact]
    public async Task CreateDataSource_KeepsTheBufferSizes_TheConnectionStringSets()
    {
        var configured = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { ReadBufferSize = 65_536, WriteBufferSize = 32_768 };
        var options = new StorageOptions { ConnectionString = configured.ConnectionString, Schema = Database.Schema };

        await using var dataSource = StorageServiceCollectionExtensions.CreateDataSource(options);
        await using var connection = await dataSource.OpenConnectionAsync(Ct);

        var settings = new NpgsqlConnectionStringBuilder(connection.ConnectionString);
        settings.ReadBufferSize.Should().Be(65_536);
        settings.WriteBufferSize.Should().Be(32_768);
    }
}
