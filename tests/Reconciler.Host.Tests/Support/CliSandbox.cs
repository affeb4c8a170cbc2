using System.Globalization;
using Reconciler.Testing;

namespace Reconciler.Host.Tests.Support;

/// <summary>
/// One test's world for the CLI: a temporary working folder and an empty schema of its own in the test database
/// (the CLI migrates it itself), both removed on dispose.
/// </summary>
public sealed class CliSandbox : IAsyncDisposable
{
    /// <summary>The variable the CLI reads its connection string from.</summary>
    public const string DatabaseVariable = "RECONCILER_DB";

    /// <summary>Configuration key Reconciler:Storage:Schema as an environment variable.</summary>
    public const string SchemaVariable = "RECONCILER__Reconciler__Storage__Schema";

    private CliSandbox(TestDatabase database, string directory)
    {
        Database = database;
        Directory = directory;
        Environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [DatabaseVariable] = TestDatabase.BaseConnectionString,
            [SchemaVariable] = database.Schema,
        };
    }


    public TestDatabase Database { get; }

    /// <summary>The child's working folder (and where the tests put their out folders and hand-made inboxes).</summary>
    public string Directory { get; }

    public Dictionary<string, string?> Environment { get; }

    public static async Task<CliSandbox> CreateAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "reconciler-host-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        return new CliSandbox(await TestDatabase.CreateAsync(migrate: false), directory);
    }

    public string PathOf(string relative) => Path.Combine(Directory, relative);

    public Task<CliResult> RunAsync(params string[] args) => CliProcess.RunCliAsync(args, Environment, Directory);

    /// <summary>Rows in a table of the sandbox's schema; 0 when the table (or the schema) does not exist at all.</summary>
    public async Task<long> CountAsync(string table)
    {
        var exists = await Database.ScalarAsync<bool>(
            "SELECT to_regclass(quote_ident(@schema) || '.' || quote_ident(@table)) IS NOT NULL",
            new { schema = Database.Schema, table });
        return exists
            ? await Database.ScalarAsync<long>(string.Create(CultureInfo.InvariantCulture, $"SELECT count(*) FROM \"{table}\""))
            : 0;
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test over.
        }
    }
}
