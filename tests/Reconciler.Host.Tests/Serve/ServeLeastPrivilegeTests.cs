using System.Net;
using Npgsql;
using Reconciler.Host.Tests.Support;
using Reconciler.Testing;

namespace Reconciler.Host.Tests.Serve;

/// <summary>
/// <c>serve</c> runs as the roles of src/Reconciler.Storage/README.md ("Roles"): a role owning nothing but the product's
/// schema and Hangfire's, or an application role granted only their rows once the owner ran <c>migrate --hangfire</c>.
/// Either one takes a run queued through the API to completion with the sample day's findings, and can reach nothing
/// else: no other schema, no new schema, nothing in <c>public</c>; the application role cannot change a table.
/// </summary>
public sealed class ServeLeastPrivilegeTests : IAsyncLifetime
{
    private static readonly SampleDay Day = SampleDay.November20;

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..10];
    private CliSandbox _sandbox = null!;
    private NpgsqlDataSource _admin = null!;

    private string Schema => _sandbox.Database.Schema;

    private string HangfireSchema => ServeProcess.HangfireSchema(_sandbox);

    /// <summary>Another application's schema in the same database.</summary>
    private string Other => "lp_other_" + _suffix;

    private string Owner => "rc_sowner_" + _suffix;

    private string App => "rc_sapp_" + _suffix;

    private string Password => "Pw-" + _suffix + "-secret";

    public async Task InitializeAsync()
    {
        _sandbox = await CliSandbox.CreateAsync();
        _admin = NpgsqlDataSource.Create(TestDatabase.BaseConnectionString);
        var database = new NpgsqlConnectionStringBuilder(TestDatabase.BaseConnectionString).Database;
        // The grants of src/Reconciler.Storage/README.md, section "Roles": an administrator makes the roles and both schemas.
        await ExecuteAsync(
            $"""
            CREATE ROLE {Owner} LOGIN PASSWORD '{Password}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
            CREATE ROLE {App} LOGIN PASSWORD '{Password}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
            GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO {Owner}, {App};
            CREATE SCHEMA {Schema} AUTHORIZATION {Owner};
            CREATE SCHEMA {HangfireSchema} AUTHORIZATION {Owner};
            CREATE SCHEMA {Other};
            CREATE TABLE {Other}.payroll (amount numeric);
            """);
    }

    public async Task DisposeAsync()
    {
        await ExecuteAsync(
            $"""
            DROP SCHEMA IF EXISTS {HangfireSchema} CASCADE;
            DROP SCHEMA IF EXISTS {Other} CASCADE;
            DROP SCHEMA IF EXISTS {Schema} CASCADE;
            DROP OWNED BY {Owner}, {App};
            DROP ROLE IF EXISTS {App};
            DROP ROLE IF EXISTS {Owner};
            """);
        await _admin.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    [Fact]
    public async Task Serve_CompletesARunQueuedThroughTheApi_AsARoleOwningOnlyItsTwoSchemas()
    {
        // Both schemas are empty: serve migrates the product's and prepares Hangfire's itself, as their owner.
        await using (var serve = await ServeProcess.StartAsync(_sandbox, ServeEnvironment(Owner)))
        {
            await AssertRunCompletesAsync(serve);
            serve.Output.Should().NotContain(Password).And.NotContain("Password=");
        }

        (await TableOwnersAsync())
            .Should().Equal([Owner], "serve created the tables of both schemas as the restricted role");
        await AssertDeniedAsync(Owner, $"CREATE SCHEMA lp_new_{_suffix}", "the role has no CREATE on the database");
        await AssertDeniedAsync(Owner, $"CREATE TABLE public.lp_probe_{_suffix} (x int)", "the role owns its schemas and nothing else");
        await AssertDeniedAsync(Owner, $"SELECT * FROM {Other}.payroll", "another schema is out of reach");
    }

    [Fact]
    public async Task Serve_CompletesARunQueuedThroughTheApi_AsAnApplicationRoleGrantedOnlyTheRows()
    {
        var migrated = await CliProcess.RunCliAsync(["migrate"], ServeEnvironment(Owner), _sandbox.Directory);
        migrated.ExitCode.Should().Be(0, migrated.ToString());
        // Granted by the owner; ALTER DEFAULT PRIVILEGES covers the tables created later (Hangfire's, later migrations).
        await ExecuteAsync(
            $"""
            SET ROLE {Owner};
            GRANT USAGE ON SCHEMA {Schema}, {HangfireSchema} TO {App};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {Schema} TO {App};
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {Schema} TO {App};
            ALTER DEFAULT PRIVILEGES IN SCHEMA {Schema}, {HangfireSchema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {App};
            ALTER DEFAULT PRIVILEGES IN SCHEMA {Schema}, {HangfireSchema} GRANT USAGE, SELECT ON SEQUENCES TO {App};
            RESET ROLE;
            """);

        var unprepared = await CliProcess.RunCliAsync(["serve", "--urls", "http://127.0.0.1:1"], ServeEnvironment(App), _sandbox.Directory, TimeSpan.FromSeconds(60));
        unprepared.ExitCode.Should().Be(1, "the application role may not create Hangfire's tables\n{0}", unprepared);
        unprepared.StderrLines.Should().ContainSingle(l => l.StartsWith("reconciler: ", StringComparison.Ordinal))
            .Which.Should().Contain($"Hangfire's schema {HangfireSchema}").And.Contain("reconciler migrate --hangfire");
        var prepared = await CliProcess.RunCliAsync(["migrate", "--hangfire"], ServeEnvironment(Owner), _sandbox.Directory);
        prepared.ExitCode.Should().Be(0, prepared.ToString());
        prepared.Stdout.Should().Contain($"Hangfire schema {HangfireSchema} is up to date");

        await using (var serve = await ServeProcess.StartAsync(_sandbox, ServeEnvironment(App)))
        {
            await AssertRunCompletesAsync(serve);
            serve.Output.Should().NotContain(Password).And.NotContain("Password=");
        }

        await AssertDeniedAsync(App, $"DROP TABLE {HangfireSchema}.job CASCADE", "the application role cannot change Hangfire's tables");
        await AssertDeniedAsync(App, $"ALTER TABLE {Schema}.finding ADD COLUMN probe int", "nor the product's");
        await AssertDeniedAsync(App, $"CREATE TABLE {Schema}.lp_probe (x int)", "nor add one");
        await AssertDeniedAsync(App, $"SELECT * FROM {Other}.payroll", "another schema is out of reach");
    }

    private Dictionary<string, string?> ServeEnvironment(string role)
    {
        var environment = ServeProcess.Environment(_sandbox, Day.Inbox);
        environment[CliSandbox.DatabaseVariable] =
            new NpgsqlConnectionStringBuilder(TestDatabase.BaseConnectionString) { Username = role, Password = Password }.ConnectionString;
        return environment;
    }

    private async Task AssertRunCompletesAsync(ServeProcess serve)
    {
        var runId = await serve.PostRunAsync(Day.Date, Day.AsOf, "least privilege");
        var run = await serve.WaitForRunAsync(runId, ServeProcess.IsFinished, TimeSpan.FromSeconds(90));
        run.GetProperty("status").GetString().Should().Be("completed", "{0}\n{1}", run, serve.Output);
        var outDir = _sandbox.PathOf($"api-run-{runId}");
        Directory.CreateDirectory(outDir);
        using var mismatches = await serve.SendAsync(HttpMethod.Get, $"/api/runs/{runId}/mismatches.csv", "finance");
        mismatches.StatusCode.Should().Be(HttpStatusCode.OK);
        await File.WriteAllBytesAsync(Path.Combine(outDir, "mismatches.csv"), await mismatches.Content.ReadAsByteArrayAsync());
        Day.AssertMismatches(outDir, status: "new");
    }

    private async Task AssertDeniedAsync(string role, string sql, string because)
    {
        var act = async () => await ExecuteAsync($"SET ROLE {role}; {sql};");
        (await act.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be("42501", because);
    }

    private async Task<List<string>> TableOwnersAsync()
    {
        await using var command = _admin.CreateCommand("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname IN ($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = Schema });
        command.Parameters.Add(new NpgsqlParameter { Value = HangfireSchema });
        var owners = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            owners.Add(reader.GetString(0));
        }

        return owners;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _admin.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
