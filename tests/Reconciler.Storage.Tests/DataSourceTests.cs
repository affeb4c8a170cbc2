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
        // Rows of several buffers' worth come through it whole and in order (about 2.4 MB of them).
        await using var command = new NpgsqlCommand("SELECT g, repeat('x', 16) FROM generate_series(1, 100000) g", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var expected = 0;
        while (await reader.ReadAsync(Ct))
        {
            reader.GetInt32(0).Should().Be(++expected);
        }

        expected.Should().Be(100_000);
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
