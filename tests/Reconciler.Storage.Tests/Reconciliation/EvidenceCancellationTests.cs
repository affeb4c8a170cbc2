using System.Diagnostics;
using Npgsql;
using Reconciler.Storage.Reconciliation;
using Reconciler.Storage.Tests.Support;
using static Reconciler.Storage.Tests.Support.Evidence;

namespace Reconciler.Storage.Tests.Reconciliation;

/// <summary>The evidence merge reads its streams synchronously; a run cancelled meanwhile still stops, as it did awaiting them.</summary>
public sealed class EvidenceCancellationTests : DatabaseTest
{
    [Fact]
    public async Task ReadOrderEvidenceAsync_Stops_WhenTheRunIsCancelledWhileTheStreamsAreRead()
    {
        var runId = await CreateRunAsync();
        var orders = Enumerable.Range(1, 300)
            .Select(i => Order($"KM20261118{i:D7}", Beijing(11, 18, 9, 30), 648.00m))
            .ToArray();
        await ImportOrdersAsync(runId, "orders_20261118.csv", orders);
        var store = new ReconciliationStore(Database.DataSource);
        using var cancellation = new CancellationTokenSource();
        var read = 0;

        var merge = async () =>
        {
            await foreach (var _ in store.ReadOrderEvidenceAsync(WindowFor(Day), new HashSet<string>(StringComparer.Ordinal), cancellation.Token))
            {
                if (++read == 10)
                {
                    await cancellation.CancelAsync();
                }
            }
        };

        await merge.Should().ThrowAsync<OperationCanceledException>();
        read.Should().Be(10);
    }

    [Fact]
    public async Task Row_ThrowsOperationCanceled_WhenTheTokenFiresWhileTheReadWaitsForPostgreSql()
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync(Ct);
        // The last row takes a minute to come; the cancel request has to end the wait. (PostgreSQL sends the rows before
        // it as its send buffer fills, so the reader opens on them and the last reads wait.)
        await using var command = new NpgsqlCommand(
            "SELECT g, pg_sleep(CASE WHEN g = 5000 THEN 60 ELSE 0 END)::text FROM generate_series(1, 5000) g", connection)
        {
            CommandTimeout = 0,
        };
        await using var reader = await command.ExecuteReaderAsync(Ct);
        using var cancellation = new CancellationTokenSource();
        await using var registration = SyncRead.CancelOnToken(command, cancellation.Token);
        var clock = Stopwatch.StartNew();
        cancellation.CancelAfter(TimeSpan.FromSeconds(1));
        var rows = 0;

        var readAll = () =>
        {
            while (SyncRead.Row(reader, cancellation.Token))
            {
                rows++;
            }
        };

        // Uncancelled, the read would have waited the minute out and then returned the last row.
        readAll.Should().Throw<OperationCanceledException>();
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30));
        rows.Should().BeLessThan(5000);
    }

    [Fact]
    public async Task CancelOnToken_LeavesWhoeverCancelsAlone_WhenTheStatementIsAlreadyOver()
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync(Ct);
        var command = new NpgsqlCommand("SELECT 1", connection);
        await using (var reader = await command.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
            }
        }

        await command.DisposeAsync();
        using var cancellation = new CancellationTokenSource();
        await using var registration = SyncRead.CancelOnToken(command, cancellation.Token);

        var cancel = () => cancellation.Cancel();

        cancel.Should().NotThrow();
        (await new NpgsqlCommand("SELECT 2", connection).ExecuteScalarAsync(Ct)).Should().Be(2);
    }
}
