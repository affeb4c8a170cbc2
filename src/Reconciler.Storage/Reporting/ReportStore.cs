using System.Data;
using System.Text.Json;
using Dapper;
using Npgsql;
using Reconciler.Core.Matching;
using Reconciler.Storage.Reconciliation;

namespace Reconciler.Storage.Reporting;

/// <summary>The figures of a run's report, each one set-based query.</summary>
public sealed class ReportStore(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<RunFileRow>> RunFilesAsync(long runId, CancellationToken cancellationToken) =>
        await QueryAsync<RunFileRow>(
            """
            SELECT r.source_name AS SourceName, f.format AS Format, f.provider AS Provider, r.status AS Status,
                   CASE WHEN r.status = 'imported' THEN f.rows_imported ELSE 0 END AS RowsImported,
                   CASE WHEN r.status = 'imported' THEN f.rows_quarantined ELSE 0 END AS RowsQuarantined,
                   f.control_summary AS ControlSummary, r.detail AS Detail, r.sha256 AS Sha256
            FROM run_file r LEFT JOIN imported_file f USING (file_id)
            WHERE r.run_id = @runId ORDER BY r.seq
            """, new { runId }, cancellationToken);

    /// <summary>Orders created on the date, per channel and currency.</summary>
    public async Task<IReadOnlyList<OrderTotalsRow>> OrderTotalsAsync(ReconciliationWindow window, CancellationToken cancellationToken) =>
        await QueryAsync<OrderTotalsRow>(
            """
            SELECT pay_channel AS Channel, currency AS Currency, count(*) AS Count, sum(amount) AS Amount
            FROM platform_order WHERE created_at >= @start AND created_at < @end
            GROUP BY pay_channel, currency ORDER BY pay_channel, currency
            """, Window(window), cancellationToken);

    /// <summary>
    /// Distinct settlement lines that happened on the date, per provider and currency. Only the lines of provider and
    /// entry type pairs that can hold copies (two files, or a file marked <c>copies_within</c>) are grouped by their key,
    /// which sorts them; the others are counted per file in the same pass that finds the pairs (1 M lines of one file per
    /// provider: 2.0-2.1 s -> 0.55 s on one process in psql, the same figures). The figures are kept with a stamp of
    /// the imported files they were counted from and the date's bounds (<c>settlement_totals_cache</c>), and a later
    /// run of the date that finds no new file reads them back. The stamp and the lines are read in one snapshot, so a
    /// file imported meanwhile cannot hide behind an old stamp.
    /// </summary>
    public async Task<IReadOnlyList<SettlementTotalsRow>> SettlementTotalsAsync(ReconciliationWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        var parameters = new
        {
            date = window.Date,
            start = window.DayStart.ToUniversalTime(),
            end = window.DayEnd.ToUniversalTime(),
            bounds = window.Bounds,
        };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var inputs = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            EvidenceSql.InputsStamp, transaction: transaction, cancellationToken: cancellationToken)) ?? string.Empty;
        var cached = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT totals::text FROM settlement_totals_cache WHERE business_date = @date AND inputs = @inputs AND bounds = @bounds",
            new { parameters.date, inputs, parameters.bounds }, transaction, cancellationToken: cancellationToken));
        if (cached is not null)
        {
            await transaction.CommitAsync(cancellationToken);
            return JsonSerializer.Deserialize<List<SettlementTotalsRow>>(cached)
                ?? throw new InvalidOperationException($"settlement_totals_cache holds no totals for {window.Date:yyyy-MM-dd}");
        }

        await connection.ExecuteAsync(new CommandDefinition(
            EvidenceSql.AggregateMemory + "; " + EvidenceSql.NoParallelWorkers, transaction: transaction, cancellationToken: cancellationToken));
        var rows = (await connection.QueryAsync<SettlementTotalsRow>(new CommandDefinition(
            """
            WITH per_file AS MATERIALIZED (
                -- The date's lines per provider, entry type, file and currency: a handful of groups in one pass.
                SELECT provider, entry_type, file_id, currency, count(*) AS lines, sum(gross) AS gross, sum(fee) AS fee
                FROM settlement_line WHERE occurred_at >= @start AND occurred_at < @end
                GROUP BY provider, entry_type, file_id, currency
            ),
            suspect AS MATERIALIZED (
                -- The provider and entry type pairs whose lines can hold copies of one provider line: lines from two
                -- files or more, or from a file the import marked as holding two lines with one key (or imported
                -- before it looked, migration 0025). Every other pair's lines are each a line of their own.
                SELECT p.provider, p.entry_type
                FROM (SELECT DISTINCT provider, entry_type, file_id FROM per_file) p LEFT JOIN imported_file f USING (file_id)
                GROUP BY p.provider, p.entry_type
                HAVING count(*) > 1 OR bool_or(f.copies_within IS NOT FALSE)
            ),
            line AS (
                -- Copies of one provider line are identical: one of each counts, so the suspect pairs' lines are
                -- grouped by their key. The reference leads the key, compared bytewise: a sort on it starts from
                -- abbreviated keys, where a sort led by the provider (a handful of values) compared every pair of a
                -- million lines through the locale (5.1-5.5 s -> 2.2-3.1 s at 1 M). The groups are the same:
                -- equality of text is bytewise either way. With no suspect pair the scan is not started at all.
                SELECT provider, entry_type, min(gross) AS gross, min(fee) AS fee, min(currency) AS currency, 1::bigint AS lines
                FROM settlement_line
                WHERE occurred_at >= @start AND occurred_at < @end
                  AND EXISTS (SELECT FROM suspect)
                  AND provider || E'\x1f' || entry_type = ANY (ARRAY(SELECT provider || E'\x1f' || entry_type FROM suspect))
                GROUP BY entry_ref COLLATE "C", provider, entry_type
                UNION ALL
                SELECT provider, entry_type, gross, fee, currency, lines FROM per_file p
                WHERE NOT EXISTS (SELECT FROM suspect s WHERE s.provider = p.provider AND s.entry_type = p.entry_type)
            )
            SELECT provider AS Provider, currency AS Currency,
                   coalesce(sum(lines) FILTER (WHERE entry_type = 'payment'), 0)::bigint AS Payments,
                   coalesce(sum(gross) FILTER (WHERE entry_type = 'payment'), 0) AS PaymentGross,
                   coalesce(sum(lines) FILTER (WHERE entry_type = 'refund'), 0)::bigint AS Refunds,
                   coalesce(sum(gross) FILTER (WHERE entry_type = 'refund'), 0) AS RefundAmount,
                   coalesce(sum(lines) FILTER (WHERE entry_type = 'chargeback'), 0)::bigint AS Chargebacks,
                   coalesce(sum(gross) FILTER (WHERE entry_type = 'chargeback'), 0)
                     - coalesce(sum(gross) FILTER (WHERE entry_type = 'chargeback_reversal'), 0) AS ChargebackAmount,
                   coalesce(sum(fee) FILTER (WHERE entry_type <> 'fee'), 0)
                     + coalesce(sum(gross) FILTER (WHERE entry_type = 'fee'), 0) AS Fees
            FROM line GROUP BY provider, currency ORDER BY provider, currency
            """, parameters, transaction, commandTimeout: 0, cancellationToken: cancellationToken))).ToList();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO settlement_totals_cache (business_date, inputs, bounds, totals) VALUES (@date, @inputs, @bounds, @totals::jsonb)
            ON CONFLICT (business_date) DO UPDATE
                SET inputs = EXCLUDED.inputs, bounds = EXCLUDED.bounds, totals = EXCLUDED.totals, counted_at = now()
            """,
            new { parameters.date, inputs, parameters.bounds, totals = JsonSerializer.Serialize(rows) }, transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    /// <summary>Delivery events of the orders created on the date, per vendor (each distinct event once).</summary>
    public async Task<IReadOnlyList<VendorTotalsRow>> VendorTotalsAsync(ReconciliationWindow window, CancellationToken cancellationToken) =>
        await QueryAsync<VendorTotalsRow>(
            $"""
            WITH event AS (
                {EvidenceSql.DistinctDeliveryEvents("delivery_event d JOIN platform_order o USING (order_no) WHERE o.created_at >= @start AND o.created_at < @end")}
            )
            SELECT vendor AS Vendor, sum(copies)::bigint AS Events,
                   coalesce(sum(quantity * copies) FILTER (WHERE status = 'success'), 0)::bigint AS DeliveredQuantity,
                   coalesce(sum(copies) FILTER (WHERE status = 'failed'), 0)::bigint AS Failed,
                   coalesce(sum(copies) FILTER (WHERE status = 'processing'), 0)::bigint AS InFlight,
                   coalesce(sum(cost * copies) FILTER (WHERE status = 'success'), 0) AS Cost
            FROM event GROUP BY vendor ORDER BY vendor
            """, Window(window), cancellationToken, dayAggregate: true);

    /// <summary>How many findings the run still sees (new, open, pending among them) and how many it resolved.</summary>
    public async Task<ReportFindingCounts> RunFindingCountsAsync(long runId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<ReportFindingCounts>(new CommandDefinition(
            """
            SELECT count(*) FILTER (WHERE change = 'new') AS New, count(*) FILTER (WHERE change = 'open') AS Open,
                   count(*) FILTER (WHERE change <> 'resolved' AND kind = 'pending') AS Pending,
                   count(*) FILTER (WHERE change = 'resolved') AS Resolved,
                   count(*) FILTER (WHERE change = 'resolved' AND kind = 'pending') AS ResolvedPending
            FROM run_finding WHERE run_id = @runId
            """, new { runId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The findings the run still sees per kind and currency: how many, and the sums of their charged amounts and of the
    /// compensation of the automatic ones, each with how many amounts it sums (a currency whose amounts are all unknown
    /// has no sum to show).
    /// </summary>
    public async Task<IReadOnlyList<RunKindTotalsRow>> RunKindTotalsAsync(long runId, CancellationToken cancellationToken) =>
        await QueryAsync<RunKindTotalsRow>(
            $"""
            SELECT kind AS Kind, coalesce(currency, '') AS Currency, count(*) AS Count,
                   coalesce(sum(charged_amount), 0) AS Charged, count(charged_amount) AS ChargedAmounts,
                   coalesce(sum(compensation_amount) FILTER (WHERE compensation_action IN ({CompensationActionSql.Automatic})), 0) AS Compensation,
                   count(compensation_amount) FILTER (WHERE compensation_action IN ({CompensationActionSql.Automatic})) AS CompensationAmounts
            FROM run_finding WHERE run_id = @runId AND change <> 'resolved'
            GROUP BY kind, coalesce(currency, '')
            """, new { runId }, cancellationToken);

    /// <summary>
    /// The run's findings (those it still sees, or those it resolved) streamed in the report's order, on a connection of
    /// their own for as long as the caller reads: a bad day's few hundred thousand are never held whole (they were most
    /// of a 3 M-order run's peak memory). Each call reads afresh, so several writers can read side by side.
    /// </summary>
    public IEnumerable<RunFindingRow> ReadRunFindings(long runId, bool resolved, bool largestAmountFirst)
    {
        using var findings = OpenRunFindings(runId, resolved, largestAmountFirst);
        foreach (var row in findings.Rows())
        {
            yield return row;
        }
    }

    private RunFindingReader OpenRunFindings(long runId, bool resolved, bool largestAmountFirst)
    {
        var connection = dataSource.OpenConnection();
        try
        {
            var command = RunFindingsCommand(connection, runId, resolved, largestAmountFirst);
            try
            {
                return new RunFindingReader(connection, command, command.ExecuteReader());
            }
            catch
            {
                command.Dispose();
                throw;
            }
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends the query of <see cref="ReadRunFindings"/> now and returns once it is under way: PostgreSQL sorts the
    /// findings (0.6 s for 100k by amount) while the caller does something else, and the rows wait for
    /// <see cref="RunFindingReader.Rows"/>.
    /// </summary>
    public async Task<RunFindingReader> OpenRunFindingsAsync(long runId, bool resolved, bool largestAmountFirst, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var command = RunFindingsCommand(connection, runId, resolved, largestAmountFirst);
            try
            {
                return new RunFindingReader(connection, command, await command.ExecuteReaderAsync(cancellationToken));
            }
            catch
            {
                await command.DisposeAsync();
                throw;
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // In a transaction of its own, for the sort's memory (EvidenceSql.SortMemory, sent with the query): the run's findings
    // sort faster as an external sort of cache-sized runs than as one quicksort in memory. Alone in psql, one process,
    // best of three: 100,605 findings (a 1 M day at 10 %) by amount 259 ms at 8 MB against 296 ms quicksorted in 64 MB
    // (this repository's cluster), by order 186 against 223 ms; 300,751 findings (3 M) 669 / 429 ms against 1,123 / 881 ms
    // spilled from 64 MB and 912 / 667 ms quicksorted in 256 MB. The server's own setting had decided it.
    private static NpgsqlCommand RunFindingsCommand(NpgsqlConnection connection, long runId, bool resolved, bool largestAmountFirst)
    {
        var transaction = connection.BeginTransaction();
        var command = new NpgsqlCommand(EvidenceSql.SortMemory + ";\n" + RunFindingsSql(resolved, largestAmountFirst), connection, transaction)
        {
            CommandTimeout = 0,
        };
        command.Parameters.AddWithValue("runId", runId);
        return command;
    }

    // The columns sorted by come first, so that PostgreSQL compares them where it finds them at once: placed after the
    // row (ORDER BY expressions go at its end, behind the detail text) each comparison walked every column to reach
    // them, and nearly every comparison of the by-amount order goes past its first key (an outage day's 202 k findings
    // hold 36 distinct amounts): alone in psql 1.29-1.33 s against 0.63-0.68 s for that read. The reader skips them.
    private static string RunFindingsSql(bool resolved, bool largestAmountFirst) =>
        $"""
        SELECT {(largestAmountFirst ? "coalesce(compensation_amount, charged_amount) AS SortAmount, " : string.Empty)}coalesce(order_no, provider_txn_id, '') COLLATE "C" AS SortKey,
               kind COLLATE "C" AS Kind, finding_id COLLATE "C" AS FindingId, {RunFindingColumns}
        FROM run_finding WHERE run_id = @runId AND {(resolved ? "change = 'resolved'" : "change <> 'resolved'")}
        ORDER BY {(largestAmountFirst ? "SortAmount DESC NULLS LAST, " : string.Empty)}SortKey, Kind, FindingId
        """;

    private const string RunFindingColumns =
            """
            business_date::timestamp AS BusinessDate, order_no AS OrderNo,
                   provider AS Provider, provider_txn_id AS ProviderTxnId, vendor AS Vendor, expected_amount AS ExpectedAmount,
                   charged_amount AS ChargedAmount, delivered_quantity AS DeliveredQuantity, ordered_quantity AS OrderedQuantity,
                   currency AS Currency, compensation_action AS CompensationAction, compensation_amount AS CompensationAmount,
                   detail AS Detail, change AS Change
            """;

    /// <summary>Quarantined lines of the files a run imported (at most <paramref name="limit"/>) and their total.</summary>
    public async Task<(IReadOnlyList<QuarantineRow> Rows, long Total)> RunQuarantineAsync(long runId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT count(*) FROM quarantine q JOIN run_file r ON r.file_id = q.file_id AND r.status = 'imported' WHERE r.run_id = @runId
            """, new { runId }, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<QuarantineRow>(new CommandDefinition(
            $"""
            {QuarantineSelect}
            JOIN run_file r ON r.file_id = q.file_id AND r.status = 'imported'
            WHERE r.run_id = @runId ORDER BY q.file_id, q.line_no LIMIT @limit
            """, new { runId, limit }, cancellationToken: cancellationToken));
        return (rows.ToList(), total);
    }

    /// <summary>Quarantined lines, newest files first, optionally of one file (by name fragment) or one run.</summary>
    public async Task<IReadOnlyList<QuarantineRow>> QuarantineAsync(string? fileName, long? runId, int limit, CancellationToken cancellationToken) =>
        await QueryAsync<QuarantineRow>(
            $"""
            {QuarantineSelect}
            WHERE (@fileName::text IS NULL OR f.source_name ILIKE '%' || @fileName || '%')
              AND (@runId::bigint IS NULL OR f.run_id = @runId)
            ORDER BY q.file_id DESC, q.line_no LIMIT @limit
            """, new { fileName, runId, limit }, cancellationToken);

    private const string QuarantineSelect =
        """
        SELECT q.file_id AS FileId, f.source_name AS SourceName, q.line_no AS LineNo, q.reason AS Reason,
               q.raw_text AS RawText, f.imported_at AS ImportedAt
        FROM quarantine q JOIN imported_file f ON f.file_id = q.file_id
        """;

    private static object Window(ReconciliationWindow window) =>
        new { start = window.DayStart.ToUniversalTime(), end = window.DayEnd.ToUniversalTime() };

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object parameters, CancellationToken cancellationToken, bool dayAggregate = false)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (dayAggregate)
        {
            await connection.ExecuteAsync(new CommandDefinition(EvidenceSql.AggregateMemory, transaction: transaction, cancellationToken: cancellationToken));
        }

        var rows = (await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, transaction, commandTimeout: 0, cancellationToken: cancellationToken))).ToList();
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }
}
