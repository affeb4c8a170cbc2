using Npgsql;
using Reconciler.Host.Tests.Support;
using Reconciler.Testing;

namespace Reconciler.Host.Tests;

/// <summary>
/// The product runs as roles that own nothing but its schema (src/Reconciler.Storage/README.md gives the grants): an
/// owner role that migrates and runs, and an application role granted only the data, which runs too but cannot change
/// the schema. Connection strings and their passwords never reach the output, the log or a report.
/// </summary>
public sealed class LeastPrivilegeTests : IAsyncLifetime
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..10];
    private readonly string _folder = Directory.CreateTempSubdirectory("reconciler-roles-").FullName;
    private NpgsqlDataSource _admin = null!;

    private string Schema => "lp_" + _suffix;

    private string Owner => "rc_owner_" + _suffix;

    private string App => "rc_app_" + _suffix;

    private string Password => "Pw-" + _suffix + "-secret";

    public async Task InitializeAsync()
    {
        _admin = NpgsqlDataSource.Create(TestDatabase.BaseConnectionString);
        var database = new NpgsqlConnectionStringBuilder(TestDatabase.BaseConnectionString).Database;
        // The grants of src/Reconciler.Storage/README.md, section "Roles": an administrator makes the roles and the schema.
        await ExecuteAsync(
            $"""
            CREATE ROLE {Owner} LOGIN PASSWORD '{Password}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
            CREATE ROLE {App} LOGIN PASSWORD '{Password}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
            GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO {Owner}, {App};
            CREATE SCHEMA {Schema} AUTHORIZATION {Owner};
            """);
    }

    public async Task DisposeAsync()
    {
        await ExecuteAsync(
            $"""
            DROP SCHEMA IF EXISTS {Schema} CASCADE;
            DROP OWNED BY {Owner}, {App};
            DROP ROLE IF EXISTS {App};
            DROP ROLE IF EXISTS {Owner};
            """);
        await _admin.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Run_Works_AsTheSchemaOwnerAndAsAnApplicationRoleGrantedOnlyTheData()
    {
        var day = SampleDay.November20;
        var migrated = await CliAsync(Owner, "migrate");
        migrated.ExitCode.Should().Be(0, migrated.ToString());
        // Granted by the owner once the tables exist; ALTER DEFAULT PRIVILEGES covers tables later migrations add.
        await ExecuteAsync(
            $"""
            SET ROLE {Owner};
            GRANT USAGE ON SCHEMA {Schema} TO {App};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {Schema} TO {App};
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {Schema} TO {App};
            ALTER DEFAULT PRIVILEGES IN SCHEMA {Schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {App};
            ALTER DEFAULT PRIVILEGES IN SCHEMA {Schema} GRANT USAGE, SELECT ON SEQUENCES TO {App};
            RESET ROLE;
            """);

        var asApp = await CliAsync(App, day.RunArgs(Path.Combine(_folder, "app")));
        var asOwner = await CliAsync(Owner, day.RunArgs(Path.Combine(_folder, "owner")));

        asApp.ExitCode.Should().Be(0, asApp.ToString());
        asOwner.ExitCode.Should().Be(0, asOwner.ToString());
        var findings = Rfc4180.ReadFile(Path.Combine(_folder, "app", "mismatches.csv"));
        findings.Select(f => (f["order_no"], f["kind"])).Should().BeEquivalentTo(day.ExpectedMismatches.Select(f => (f["order_no"], f["kind"])));
        var denied = async () => await ExecuteAsync($"SET ROLE {App}; DROP TABLE {Schema}.finding;");
        (await denied.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be("42501", "the application role cannot change the schema");
        var outside = async () => await ExecuteAsync($"SET ROLE {Owner}; CREATE TABLE public.lp_probe_{_suffix} (x int);");
        (await outside.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be("42501", "the owner role owns its schema and nothing else");
        foreach (var text in new[] { asApp.Stdout, asApp.Stderr, asOwner.Stdout, asOwner.Stderr }.Concat(OutputsOf("app")).Concat(OutputsOf("owner")))
        {
            text.Should().NotContain(Password).And.NotContain("Password=");
        }
    }

    [Fact]
    public async Task Run_NamesTheDatabaseWithoutItsPassword_WhenTheDatabaseCannotBeReached()
    {
        var connection = $"Host=127.0.0.1;Port=1;Username={App};Password={Password};Database=nowhere";

        var result = await CliProcess.RunCliAsync(
            ["--verbose", "run", "--date", "2026-11-20", "--inbox", SampleDay.November20.Inbox, "--out", Path.Combine(_folder, "x")],
            new Dictionary<string, string?> { ["RECONCILER_DB"] = connection, ["RECONCILER__Reconciler__Storage__Schema"] = Schema }, _folder);

        result.ExitCode.Should().Be(3, result.ToString());
        result.StderrLines.Should().ContainSingle().Which.Should().Contain("127.0.0.1:1/nowhere");
        (result.Stdout + result.Stderr).Should().NotContain(Password).And.NotContain("Password=");
    }

    private IEnumerable<string> OutputsOf(string run) =>
        Directory.EnumerateFiles(Path.Combine(_folder, run)).Select(File.ReadAllText);

    private Task<CliResult> CliAsync(string role, params string[] args)
    {
        var connection = new NpgsqlConnectionStringBuilder(TestDatabase.BaseConnectionString) { Username = role, Password = Password };
        return CliProcess.RunCliAsync(
            ["--verbose", .. args],
            new Dictionary<string, string?> { ["RECONCILER_DB"] = connection.ConnectionString, ["RECONCILER__Reconciler__Storage__Schema"] = Schema },
            _folder);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _admin.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
