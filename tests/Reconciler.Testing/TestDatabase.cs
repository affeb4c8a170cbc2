using System.Globalization;
using Dapper;
using Npgsql;
using Reconciler.Storage;
using Reconciler.Storage.Migrations;

namespace Reconciler.Testing;

/// <summary>
/// A schema of its own in the test database (started by scripts/db.sh; <c>RECONCILER_TEST_DB</c> overrides the
/// connection), migrated on creation and dropped on dispose, so tests never see each other's rows.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string Variable = "RECONCILER_TEST_DB";
    public const string LocalConnectionString = "Host=127.0.0.1;Port=55432;Username=postgres;Database=reconciler_test";

    private TestDatabase(StorageOptions options, NpgsqlDataSource dataSource)
    {
        Options = options;
        DataSource = dataSource;
    }

    public StorageOptions Options { get; }

    public NpgsqlDataSource DataSource { get; }

    public string Schema => Options.Schema;

    /// <summary>The connection string with the schema on its search path, as the CLI's RECONCILER_DB would carry it.</summary>
    public string ConnectionString => Options.ConnectionString;

    public static string BaseConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured ? configured : LocalConnectionString;

    public static async Task<TestDatabase> CreateAsync(bool migrate = true)
    {
        var schema = string.Create(CultureInfo.InvariantCulture, $"t_{Guid.NewGuid():N}");
        var options = new StorageOptions { ConnectionString = BaseConnectionString, Schema = schema };
        var dataSource = StorageServiceCollectionExtensions.CreateDataSource(options);
        var database = new TestDatabase(options, dataSource);
        if (migrate)
        {
            await new Migrator(dataSource, schema).MigrateAsync(CancellationToken.None);
        }

        return database;
    }

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<T>(sql, parameters)).ToList();
    }

    public async Task<int> ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync(sql, parameters);
    }

    public async ValueTask DisposeAsync()
    {
        await using (var connection = await DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE");
        }

        await DataSource.DisposeAsync();
    }
}
