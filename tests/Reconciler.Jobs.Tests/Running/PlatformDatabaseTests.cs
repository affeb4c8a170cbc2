using Dapper;
using Npgsql;
using Reconciler.Testing;

namespace Reconciler.Jobs.Tests.Running;

/// <summary>Orders read from a second database standing in for the platform's, through the configured query.</summary>
public sealed class PlatformDatabaseTests : IAsyncLifetime
{
    private const string Day = "2026-11-20";
    private readonly string _schema = "platform_" + Guid.NewGuid().ToString("N")[..12];
    private string _platform = string.Empty;
    private RunHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _platform = new NpgsqlConnectionStringBuilder(TestDatabase.BaseConnectionString) { Database = "reconciler_platform" }.ConnectionString;
        await using (var connection = new NpgsqlConnection(_platform))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync(
                $"""
                CREATE SCHEMA {_schema};
                CREATE TABLE {_schema}.orders (
                    order_no text PRIMARY KEY, created_at timestamptz NOT NULL, paid_at timestamptz, customer_id text,
                    merchant_id text, product_type text, sku text, target_account text, quantity int, unit_price numeric(12,2),
                    amount numeric(12,2), currency char(3), pay_channel text, status text, internal_note text);
                """);
            var csv = Directory.EnumerateFiles(Path.Combine(RepoPaths.Sample(Day), "inbox"), "orders_*.csv", SearchOption.AllDirectories).Single();
            await using var writer = await connection.BeginTextImportAsync(
                $"COPY {_schema}.orders (order_no, created_at, paid_at, customer_id, merchant_id, product_type, sku, target_account, quantity, unit_price, amount, currency, pay_channel, status) FROM STDIN (FORMAT csv, HEADER true)");
            await writer.WriteAsync(await File.ReadAllTextAsync(csv));
        }

        var options = new ReconcilerOptions();
        options.PlatformDatabase.ConnectionString = _platform;
        options.PlatformDatabase.Query =
            $"SELECT o.*, 'ignored' AS extra FROM {_schema}.orders o WHERE o.created_at >= @start AND o.created_at < @end";
        _harness = await RunHarness.CreateAsync(options);
    }

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        await using var connection = new NpgsqlConnection(_platform);
        await connection.ExecuteAsync($"DROP SCHEMA {_schema} CASCADE");
    }

    [Fact]
    public async Task RunAsync_FindsTheSameBreaks_WhenOrdersComeFromThePlatformDatabaseInsteadOfTheExport()
    {
        var inbox = _harness.CopySampleInbox(Day, "platform/orders_20261120.csv");

        var result = await _harness.RunAsync(Day, inbox);

        var mismatches = result.Outputs.Single(p => p.EndsWith("mismatches.csv", StringComparison.Ordinal));
        MismatchFile.WithoutDetail(mismatches).Should().Equal(MismatchFile.WithoutDetail(Path.Combine(RepoPaths.Sample(Day), "expected-mismatches.csv")));
        result.Report.Files[0].Should().Match<Reports.Model.FileReport>(f =>
            f.Format == "orders-db" && f.Status == "imported" && f.Rows == 300);
    }

    [Fact]
    public async Task RunAsync_SkipsTheUnchangedOrdersAndReadsChangedOnes_WhenTheDateRunsAgain()
    {
        var inbox = _harness.CopySampleInbox(Day, "platform/orders_20261120.csv");
        await _harness.RunAsync(Day, inbox);

        var unchanged = await _harness.RunAsync(Day, inbox);
        await using (var connection = new NpgsqlConnection(_platform))
        {
            await connection.ExecuteAsync($"UPDATE {_schema}.orders SET status = 'refunded' WHERE order_no = 'KM202611200000104'");
        }

        var changed = await _harness.RunAsync(Day, inbox);

        unchanged.Report.Files[0].Status.Should().Be("duplicate");
        changed.Report.Files[0].Status.Should().Be("imported");
        (await _harness.Database.ScalarAsync<long>("SELECT count(*) FROM platform_order")).Should().Be(300);
    }

    [Fact]
    public async Task RunAsync_QuarantinesABadRowWithItsRowNumber_AndKeepsTheRest()
    {
        await using (var connection = new NpgsqlConnection(_platform))
        {
            await connection.ExecuteAsync(
                $"""
                INSERT INTO {_schema}.orders VALUES ('KM202611209999999', '2026-11-20T12:00:00+08:00', NULL, 'C1', '', 'game_card',
                    'WZRY-60', '123', 0, 6.00, 6.00, 'CNY', 'wechat', 'created', NULL)
                """);
        }

        var result = await _harness.RunAsync(Day, _harness.CopySampleInbox(Day, "platform/orders_20261120.csv"));

        result.Report.Files[0].Should().Match<Reports.Model.FileReport>(f => f.Rows == 300 && f.Quarantined == 1);
        result.Report.Quarantined.Should().Contain(q => q.Reason.Contains("field quantity", StringComparison.Ordinal)
            && q.RawText.StartsWith("KM202611209999999,", StringComparison.Ordinal));
    }
}
