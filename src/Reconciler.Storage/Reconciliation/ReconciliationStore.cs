using System.Runtime.CompilerServices;
using Dapper;
using Npgsql;
using Reconciler.Core.Matching;

namespace Reconciler.Storage.Reconciliation;

/// <summary>The database side of a run's matching: reads each order's evidence set-based and stores what the rules found.</summary>
public sealed class ReconciliationStore(NpgsqlDataSource dataSource)
{
    /// <summary>Streams the evidence of every order the run looks at (never all of it in memory).</summary>
    public async IAsyncEnumerable<OrderEvidence> ReadOrderEvidenceAsync(
        ReconciliationWindow window, IReadOnlySet<string> providersMissingSettlement, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(providersMissingSettlement);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(EvidenceSql.AggregateMemory, transaction: transaction, cancellationToken: cancellationToken));
        await using var command = new NpgsqlCommand(EvidenceSql.OrderEvidence, connection, transaction) { CommandTimeout = 0 };
        AddWindow(command, window);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var channel = reader.GetString(7);
            yield return new OrderEvidence
            {
                OrderNo = reader.GetString(0),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(1),
                PaidAt = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                ProductType = reader.GetString(3),
                Quantity = reader.GetInt32(4),
                Amount = reader.GetDecimal(5),
                Currency = reader.GetString(6),
                PayChannel = channel,
                PaymentCount = reader.GetInt32(8),
                PaymentGross = reader.GetDecimal(9),
                RefundTotal = reader.GetDecimal(10),
                ChargebackTotal = reader.GetDecimal(11),
                FirstPaymentAt = reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
                Provider = SortedSet(reader, 13),
                ProviderTxnId = SortedSet(reader, 14),
                Vendor = SortedSet(reader, 15),
                DeliveredQuantity = reader.GetInt32(16),
                WrongAccountQuantity = reader.GetInt32(17),
                InFlight = reader.GetBoolean(18),
                SettlementMissing = providersMissingSettlement.Contains(channel),
            };
        }
    }

    /// <summary>Streams the distinct payments that name no known order.</summary>
    public async IAsyncEnumerable<PaymentEvidence> ReadOrphanPaymentsAsync(
        ReconciliationWindow window, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(EvidenceSql.OrphanPayments, connection) { CommandTimeout = 0 };
        AddWindow(command, window);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new PaymentEvidence(
                reader.GetString(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetDecimal(3),
                reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5));
        }
    }

    /// <summary>
    /// The expected providers that have orders on the date but no accepted settlement file for it: a file counts when
    /// its declared period covers the date or it holds lines of the date; a "no bill" answer counts as a quiet day.
    /// A provider with no orders that day has nothing to settle, so its silence is not reported.
    /// </summary>
    public async Task<IReadOnlyList<MissingSettlement>> FindMissingSettlementsAsync(
        long runId, ReconciliationWindow window, IReadOnlyCollection<string> expectedProviders, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(expectedProviders);
        if (expectedProviders.Count == 0)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var parameters = new { runId, date = window.Date, start = window.DayStart.ToUniversalTime(), end = window.DayEnd.ToUniversalTime(), providers = expectedProviders.ToArray() };
        var used = (await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT DISTINCT pay_channel FROM platform_order
            WHERE created_at >= @start AND created_at < @end AND pay_channel = ANY(@providers)
            """, parameters, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        var covered = (await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT DISTINCT f.provider FROM imported_file f
            WHERE f.kind = 'settlement' AND f.status IN ('imported', 'no_bill') AND f.provider = ANY(@providers)
              AND ((f.period_start <= @date AND f.period_end >= @date)
                   OR EXISTS (SELECT 1 FROM settlement_line s
                              WHERE s.file_id = f.file_id AND s.occurred_at >= @start AND s.occurred_at < @end))
            """, parameters, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        var rejected = (await connection.QueryAsync<(string Provider, string Reason)>(new CommandDefinition(
            """
            SELECT f.provider, string_agg(f.source_name || ': ' || coalesce(f.detail, 'rejected'), '; ' ORDER BY f.file_id)
            FROM imported_file f
            WHERE f.kind = 'settlement' AND f.status = 'rejected' AND f.provider = ANY(@providers)
              AND ((f.period_start <= @date AND f.period_end >= @date) OR f.run_id = @runId)
            GROUP BY f.provider
            """, parameters, cancellationToken: cancellationToken))).ToDictionary(r => r.Provider, r => r.Reason, StringComparer.Ordinal);
        return expectedProviders
            .Where(p => used.Contains(p) && !covered.Contains(p))
            .Order(StringComparer.Ordinal)
            .Select(p => new MissingSettlement(p, window.Date, rejected.TryGetValue(p, out var why) ? "rejected: " + why : "no file arrived"))
            .ToList();
    }

    /// <summary>Whether any order created on the date is stored yet.</summary>
    public async Task<bool> HasOrdersAsync(ReconciliationWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM platform_order WHERE created_at >= @start AND created_at < @end)",
            new { start = window.DayStart.ToUniversalTime(), end = window.DayEnd.ToUniversalTime() }, cancellationToken: cancellationToken));
    }

    /// <summary>Opens the writer that stages this run's findings and merges them at the end.</summary>
    public async Task<FindingWriter> BeginFindingsAsync(long runId, ReconciliationWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        return await FindingWriter.OpenAsync(dataSource, runId, window, cancellationToken);
    }

    /// <summary>A comma-joined list from the database, de-duplicated and sorted ordinally (the same on every server).</summary>
    private static string? SortedSet(NpgsqlDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        var items = reader.GetString(ordinal).Split(',');
        return items.Length == 1 ? items[0] : string.Join(',', items.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
    }

    private static void AddWindow(NpgsqlCommand command, ReconciliationWindow window)
    {
        command.Parameters.AddWithValue("start", window.DayStart.ToUniversalTime());
        command.Parameters.AddWithValue("end", window.DayEnd.ToUniversalTime());
        command.Parameters.AddWithValue("date", window.Date);
    }
}
