using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace Reconciler.Storage.Migrations;

/// <summary>Applies the numbered SQL scripts embedded in this assembly, each once, in order, under an advisory lock.</summary>
public sealed partial class Migrator(NpgsqlDataSource dataSource, string schema)
{
    // Any constant works; it only has to be the same for every process that migrates this database.
    private const long MigrationLockKey = 0x5245_434F_4E43_0001;

    public static IReadOnlyList<(int Version, string Name)> Scripts { get; } = typeof(Migrator).Assembly
        .GetManifestResourceNames()
        .Select(name => (Match: ScriptName().Match(name), Name: name))
        .Where(x => x.Match.Success)
        .Select(x => (int.Parse(x.Match.Groups[1].Value, CultureInfo.InvariantCulture), x.Name))
        .OrderBy(x => x.Item1)
        .ToList();

    /// <summary>Brings the schema up to date; returns the versions it applied.</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken)
    {
        var applied = new List<int>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // An up-to-date schema needs no DDL at all: so a role granted only the data (see README) runs every verb.
        if (await IsUpToDateAsync(connection, cancellationToken))
        {
            return applied;
        }

        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = MigrationLockKey }, cancellationToken: cancellationToken));
        try
        {
            var quoted = Quote(schema);
            // Only when missing: CREATE SCHEMA IF NOT EXISTS still needs CREATE on the database, which the owner of a
            // schema made for it by an administrator does not have.
            if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT to_regnamespace(@quotedName) IS NULL", new { quotedName = quoted }, cancellationToken: cancellationToken)))
            {
                await connection.ExecuteAsync(new CommandDefinition($"CREATE SCHEMA {quoted}", cancellationToken: cancellationToken));
            }

            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                CREATE TABLE IF NOT EXISTS {quoted}.schema_version (
                    version     integer PRIMARY KEY,
                    script      text        NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now());
                """, cancellationToken: cancellationToken));
            var done = (await connection.QueryAsync<int>(new CommandDefinition(
                $"SELECT version FROM {quoted}.schema_version", cancellationToken: cancellationToken))).ToHashSet();
            foreach (var (version, name) in Scripts.Where(s => !done.Contains(s.Version)))
            {
                var sql = await ReadScriptAsync(name, cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition($"SET LOCAL search_path TO {quoted};\n{sql}", transaction: transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    $"INSERT INTO {quoted}.schema_version (version, script) VALUES (@version, @name)",
                    new { version, name }, transaction, cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                applied.Add(version);
            }
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)", new { key = MigrationLockKey }, cancellationToken: CancellationToken.None));
        }

        return applied;
    }

    private async Task<bool> IsUpToDateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var table = Quote(schema) + ".schema_version";
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT to_regclass(@table) IS NOT NULL", new { table }, cancellationToken: cancellationToken)))
        {
            return false;
        }

        var done = (await connection.QueryAsync<int>(new CommandDefinition(
            $"SELECT version FROM {table}", cancellationToken: cancellationToken))).ToHashSet();
        return Scripts.All(s => done.Contains(s.Version));
    }

    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task<string> ReadScriptAsync(string resourceName, CancellationToken cancellationToken)
    {
        await using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Migration script {resourceName} is not embedded.");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    [GeneratedRegex(@"\.Migrations\.(\d{4})_[a-z0-9_]+\.sql$")]
    private static partial Regex ScriptName();
}
