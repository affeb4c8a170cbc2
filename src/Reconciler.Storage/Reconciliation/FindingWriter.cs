using Dapper;
using Npgsql;
using Reconciler.Core.Matching;
using Reconciler.Storage.Importing;

namespace Reconciler.Storage.Reconciliation;

/// <summary>
/// Stages a run's findings with binary COPY, then in one transaction: records which compensations a resolved
/// break leaves behind, upserts the findings, resolves the ones the run no longer sees, and keeps exactly one
/// compensation request per automatic finding.
/// </summary>
public sealed class FindingWriter : IAsyncDisposable
{
    private const string StageColumns =
        "finding_id, kind, business_date, order_no, provider, provider_txn_id, vendor, expected_amount, charged_amount, " +
        "delivered_quantity, ordered_quantity, currency, compensation_action, compensation_amount, detail";

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly long _runId;
    private readonly ReconciliationWindow _window;
    private BinaryCopyWriter? _copy;
    private bool _committed;
    private bool _resolvableStaged;
    private bool _analyzed = true;

    private FindingWriter(NpgsqlConnection connection, NpgsqlTransaction transaction, long runId, ReconciliationWindow window)
    {
        _connection = connection;
        _transaction = transaction;
        _runId = runId;
        _window = window;
    }

    public long Count { get; private set; }

    internal static async Task<FindingWriter> OpenAsync(NpgsqlDataSource dataSource, long runId, ReconciliationWindow window, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                CREATE TEMP TABLE finding_stage (
                    finding_id text NOT NULL, kind text NOT NULL, business_date date NOT NULL, order_no text, provider text,
                    provider_txn_id text, vendor text, expected_amount numeric, charged_amount numeric, delivered_quantity integer,
                    ordered_quantity integer, currency text, compensation_action text NOT NULL, compensation_amount numeric,
                    detail text NOT NULL) ON COMMIT DROP
                """, transaction: transaction, cancellationToken: cancellationToken));
            return new FindingWriter(connection, transaction, runId, window);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stages one finding; <paramref name="businessDate"/> is the order's (or orphan payment's) business date.</summary>
    public void Add(Finding finding, DateOnly businessDate)
    {
        ArgumentNullException.ThrowIfNull(finding);
        if (_resolvableStaged && finding.Kind != FindingKind.CompensatedButResolved)
        {
            throw new InvalidOperationException("the resolvable findings are already staged: add every finding before ForEachCompensatedBreakAsync");
        }

        _copy ??= BinaryCopyWriter.Begin(_connection, "finding_stage", StageColumns);
        _copy.StartRow();
        _copy.Write(finding.FindingId);
        _copy.Write(finding.Kind.ToName());
        _copy.Write(businessDate);
        _copy.WriteOrNull(finding.OrderNo);
        _copy.WriteOrNull(finding.Provider);
        _copy.WriteOrNull(finding.ProviderTxnId);
        _copy.WriteOrNull(finding.Vendor);
        _copy.WriteOrNull(finding.ExpectedAmount);
        _copy.WriteOrNull(finding.ChargedAmount);
        _copy.WriteOrNull(finding.DeliveredQuantity);
        _copy.WriteOrNull(finding.OrderedQuantity);
        _copy.WriteOrNull(finding.Currency);
        _copy.Write(finding.Action.ToName());
        _copy.WriteOrNull(finding.CompensationAmount);
        _copy.Write(finding.Detail);
        Count++;
    }

    /// <summary>
    /// Compensations already claimed or completed for breaks this run no longer sees, or that now exceed what the
    /// break is worth: calls <paramref name="each"/> for every one, which may <see cref="Add"/> a compensated_but_resolved
    /// finding for it. Call once, after the last other <see cref="Add"/>, then commit. They are read a batch at a time
    /// from a cursor, so a bad day's next run (every held-back order's compensation already paid: 176,816 at 1 M orders) holds
    /// one batch of them, never all. Returns how many there were.
    /// </summary>
    public async Task<long> ForEachCompensatedBreakAsync(Action<CompensatedBreak> each, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(each);
        await EndCopyAsync(cancellationToken);
        await StageResolvableAsync(cancellationToken);
        // The pending requests are locked too, and held until the commit: a consumer's claim skips them (SKIP LOCKED),
        // so none turns from pending (to be withdrawn) into claimed (to be flagged) in between. Locked in request order
        // in one statement, which keeps the claimed and completed ones in a temporary table for the cursor below (a
        // cursor FOR UPDATE would lock each row only as it is fetched).
        await ExecuteAsync(
            """
            CREATE TEMP TABLE compensated_break ON COMMIT DROP AS
            WITH resolving AS (
                SELECT finding_id, NULL::numeric AS now_owed FROM resolvable
                UNION ALL
                SELECT s.finding_id, s.compensation_amount FROM finding_stage s
                JOIN compensation_request c ON c.request_id = s.finding_id
                WHERE c.state IN ('claimed', 'completed') AND coalesce(s.compensation_amount, 0) < c.amount
            ),
            locked AS (
                SELECT c.request_id, c.order_no, c.kind, c.state, c.amount, r.now_owed, c.currency, f.provider, f.provider_txn_id,
                       f.vendor, f.business_date
                FROM resolving r
                JOIN compensation_request c ON c.request_id = r.finding_id AND c.state IN ('pending', 'claimed', 'completed')
                JOIN finding f ON f.finding_id = r.finding_id
                ORDER BY c.request_id
                FOR UPDATE OF c
            )
            SELECT * FROM locked WHERE state <> 'pending';
            DECLARE compensated_breaks NO SCROLL CURSOR FOR
                SELECT request_id AS RequestId, order_no AS OrderNo, kind AS Kind, state AS State, amount AS Amount,
                       now_owed AS NowOwed, currency AS Currency, provider AS Provider, provider_txn_id AS ProviderTxnId,
                       vendor AS Vendor, business_date::timestamp AS BusinessDate
                FROM compensated_break;
            """, Parameters, cancellationToken);
        var count = 0L;
        while (true)
        {
            var batch = (await _connection.QueryAsync<CompensatedBreakRow>(new CommandDefinition(
                $"FETCH {CompensatedBreakBatch} FROM compensated_breaks", transaction: _transaction, commandTimeout: 0,
                cancellationToken: cancellationToken))).AsList();
            foreach (var r in batch)
            {
                each(new CompensatedBreak(
                    r.RequestId, r.OrderNo, r.Kind, r.State, r.Amount, r.NowOwed, r.Currency, r.Provider, r.ProviderTxnId, r.Vendor,
                    DateOnly.FromDateTime(r.BusinessDate)));
            }

            count += batch.Count;
            // The next statement needs the connection: the COPY of this batch's findings ends first (analysed at the commit).
            await EndCopyAsync(cancellationToken, analyze: false);
            if (batch.Count < CompensatedBreakBatch)
            {
                break;
            }
        }

        await ExecuteAsync("CLOSE compensated_breaks", Parameters, cancellationToken);
        return count;
    }

    private const int CompensatedBreakBatch = 8192;

    public async Task<FindingChanges> CommitAsync(CancellationToken cancellationToken)
    {
        await EndCopyAsync(cancellationToken);
        await StageResolvableAsync(cancellationToken);
        var p = Parameters;
        // A run's findings go into run_finding by a plain INSERT: its first merge has no rows there to conflict with, and
        // the arbiter check of ON CONFLICT cost each of 100k rows a speculative insertion (0.47 s against 0.62-0.70 s,
        // psql). Only a second attempt under the same run id (RunFindingAgain) updates the rows of the first.
        var again = await _connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM run_finding WHERE run_id = @runId)", p, _transaction, cancellationToken: cancellationToken));
        await ExecuteAsync(
            $"""
            WITH staged AS MATERIALIZED (
                -- Each staged finding with what finding holds for it, in one hash join: whether it was open (new or
                -- still open for run_finding) and whether it is unchanged (left alone by the upsert). Three joins of
                -- the 100k staged findings with finding before (a semi-join, a left join and an anti-join).
                SELECT {Prefixed("s")}, k.status AS prior_status,
                       coalesce(k.status = 'open' AND ({Prefixed("k", Compared)}) IS NOT DISTINCT FROM ({Prefixed("s", Compared)}), false) AS unchanged
                FROM (SELECT DISTINCT ON (finding_id) * FROM finding_stage ORDER BY finding_id) s
                LEFT JOIN finding k ON k.finding_id = s.finding_id
            ),
            upsert AS (
                INSERT INTO finding ({StageColumns}, status, first_run_id, last_run_id)
                SELECT {StageColumns}, 'open', @runId, @runId FROM staged s
                -- The findings the conflict clause would leave alone are left out first: ON CONFLICT locks the row it
                -- conflicts with even when its WHERE then declines the update, a row lock written into each of the 100k
                -- findings a rerun finds again (0.4 s of WAL and dirtied pages at 1 M).
                WHERE NOT s.unchanged
                ON CONFLICT (finding_id) DO UPDATE SET
                    provider = EXCLUDED.provider, provider_txn_id = EXCLUDED.provider_txn_id, vendor = EXCLUDED.vendor,
                    expected_amount = EXCLUDED.expected_amount, charged_amount = EXCLUDED.charged_amount,
                    delivered_quantity = EXCLUDED.delivered_quantity, ordered_quantity = EXCLUDED.ordered_quantity,
                    currency = EXCLUDED.currency, compensation_action = EXCLUDED.compensation_action,
                    compensation_amount = EXCLUDED.compensation_amount, detail = EXCLUDED.detail,
                    status = 'open', last_run_id = @runId, resolved_run_id = NULL, updated_at = now()
                -- A finding found again as it was is left alone: a rerun of a bad day finds 100k of them, and
                -- rewriting each (a new row version and index entries) was most of the merge. run_finding records
                -- that this run saw it; last_run_id and updated_at say when it last changed.
                WHERE finding.status <> 'open'
                   OR ({Prefixed("finding", Compared)}) IS DISTINCT FROM ({Prefixed("EXCLUDED", Compared)})
            )
            INSERT INTO run_finding (run_id, change, {StageColumns})
            SELECT @runId, CASE WHEN s.prior_status = 'open' THEN 'open' ELSE 'new' END, {Prefixed("s")}
            FROM staged s
            {(again ? RunFindingAgain("CASE WHEN run_finding.change = 'new' THEN 'new' ELSE EXCLUDED.change END") : string.Empty)}
            """, p, cancellationToken);
        CrashPoints.Reach("findings-merged");

        // The upsert may have doubled the open findings; the statements below join them with the day's orders, and a
        // planner still counting yesterday's few would choose a nested loop over them. ANALYZE sees this transaction's rows.
        // A run that adds few findings (a rerun finds its 100k again) leaves the estimates right and skips it (0.4 s).
        // Only the columns the statements below join and filter on (and the table's row count, which every ANALYZE
        // takes): the statistics of all twenty columns took 0.27-0.39 s at 1 M orders, these five 0.11 s; autovacuum
        // analyses the whole table after a run that changed a tenth of it.
        var grown = await _connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            SELECT (SELECT count(*) FROM run_finding WHERE run_id = @runId AND change = 'new')
                   >= 0.1 * (SELECT reltuples FROM pg_class WHERE oid = 'finding'::regclass)
            """, p, _transaction, cancellationToken: cancellationToken));
        if (grown)
        {
            await ExecuteAsync("ANALYZE finding (finding_id, kind, business_date, order_no, status)", p, cancellationToken);
        }

        var resolved = await ExecuteAsync(
            $"""
            WITH resolved AS (
                UPDATE finding f SET status = 'resolved', resolved_run_id = @runId, last_run_id = @runId, updated_at = now()
                FROM resolvable r
                WHERE f.finding_id = r.finding_id
                RETURNING f.*
            )
            INSERT INTO run_finding (run_id, change, {StageColumns})
            SELECT @runId, 'resolved', {StageColumns} FROM resolved
            {RunFindingAgain("'resolved'")}
            """, p, cancellationToken);
        CrashPoints.Reach("findings-resolved");

        // compensated_but_resolved findings stay open until a person closes them; each run's report lists them again.
        // Each branch is a scan, a join or a semi-join of its own (an IN under an OR cannot become a join); UNION
        // keeps a finding that several branches name once.
        await ExecuteAsync(
            $"""
            WITH cbr AS (
                SELECT f.* FROM finding f WHERE f.status = 'open' AND f.kind = 'compensated_but_resolved'
            ),
            listed AS (
                SELECT finding_id FROM cbr WHERE business_date = @date
                UNION
                SELECT cbr.finding_id FROM cbr JOIN platform_order o ON o.order_no = cbr.order_no
                WHERE o.created_at >= @start AND o.created_at < @end
                UNION
                SELECT cbr.finding_id FROM cbr
                WHERE EXISTS (SELECT 1 FROM finding e
                              WHERE e.order_no = cbr.order_no AND e.status = 'open' AND e.business_date < @date
                                AND e.kind NOT IN ('orphan_charge', 'compensated_but_resolved'))
            )
            INSERT INTO run_finding (run_id, change, {StageColumns})
            SELECT @runId, 'open', {Prefixed("f")} FROM cbr f JOIN listed USING (finding_id)
            WHERE NOT EXISTS (SELECT 1 FROM run_finding r WHERE r.run_id = @runId AND r.finding_id = f.finding_id)
            """, p, cancellationToken);

        var requests = (await _connection.QueryAsync<bool>(new CommandDefinition(
            $"""
            INSERT INTO compensation_request AS c (request_id, order_no, kind, action, amount, currency, created_run_id)
            SELECT DISTINCT ON (finding_id) finding_id, order_no, kind, compensation_action, compensation_amount, currency, @runId
            FROM finding_stage s
            WHERE compensation_action IN ({CompensationActionSql.Automatic})
              -- The requests the upsert would leave alone, left out first by one hash anti-join (a rerun stages 100k
              -- findings whose requests are already pending as they were, or already claimed or done).
              AND NOT EXISTS (SELECT 1 FROM compensation_request k
                              WHERE k.request_id = s.finding_id
                                AND (k.state NOT IN ('pending', 'withdrawn')
                                     OR (k.state = 'pending' AND k.amount = s.compensation_amount AND k.action = s.compensation_action)))
            ORDER BY finding_id
            ON CONFLICT (request_id) DO UPDATE SET
                amount = EXCLUDED.amount, action = EXCLUDED.action, currency = EXCLUDED.currency,
                state = 'pending', outcome = NULL, updated_at = now()
            WHERE c.state IN ('pending', 'withdrawn')
              AND (c.state <> 'pending' OR c.amount <> EXCLUDED.amount OR c.action <> EXCLUDED.action)
            RETURNING (xmax = 0)
            """, p, _transaction, commandTimeout: 0, cancellationToken: cancellationToken))).ToList();
        CrashPoints.Reach("compensation-requests");

        var withdrawn = await ExecuteAsync(
            """
            UPDATE compensation_request c
            SET state = 'withdrawn', outcome = 'withdrawn by run ' || @runId || ': the break resolved', updated_at = now()
            FROM run_finding r
            WHERE r.run_id = @runId AND r.change = 'resolved' AND c.request_id = r.finding_id AND c.state IN ('pending', 'failed')
            """, p, cancellationToken);

        var counts = await _connection.QuerySingleAsync<(long New, long Open, long CompensatedButResolved)>(new CommandDefinition(
            """
            SELECT count(*) FILTER (WHERE change = 'new'), count(*) FILTER (WHERE change = 'open'),
                   count(*) FILTER (WHERE change = 'new' AND kind = 'compensated_but_resolved')
            FROM run_finding WHERE run_id = @runId
            """, p, _transaction, cancellationToken: cancellationToken));

        CrashPoints.Reach("findings-before-commit");
        await _transaction.CommitAsync(cancellationToken);
        _committed = true;
        return new FindingChanges(
            counts.New, counts.Open, resolved, requests.Count(created => created), requests.Count(created => !created), withdrawn,
            counts.CompensatedButResolved);
    }

    public async ValueTask DisposeAsync()
    {
        if (_copy is not null)
        {
            await _copy.DisposeAsync();
        }

        // A broken connection has already lost the transaction; rolling back would only hide the error that broke it.
        if (!_committed && _connection.FullState == System.Data.ConnectionState.Open)
        {
            await _transaction.RollbackAsync();
        }

        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    // The findings the run is responsible for and did not find again: open, not a person's to close, in the run's
    // scope (EvidenceSql: orders created on the date, and orders with a finding open from an earlier date).
    // Three disjoint branches, each a plain scan or a hash join: the earlier `order_no IN (scope) OR ...` could not
    // become a join and ran as a SubPlan that rescanned the whole scope for every open finding (quadratic).
    // Staged once (before the merge: the merge changes only staged findings, and the compensated_but_resolved findings
    // staged after it are never resolvable) and read by ForEachCompensatedBreakAsync and the resolve statement.
    private static readonly string Resolvable =
        """
        CREATE TEMP TABLE resolvable ON COMMIT DROP AS
            SELECT f.finding_id FROM (
                SELECT f.finding_id FROM finding f
                WHERE f.status = 'open' AND f.kind NOT IN ('orphan_charge', 'compensated_but_resolved')
                  AND f.order_no IS NOT NULL AND f.business_date < @date
                UNION ALL
                -- The date's open findings that were not found again, then only those on orders of the date: a rerun
                -- finds nearly all of them again, and joined with the orders first, every one of the 100k was hashed
                -- against a scan of every order (0.52 s on three processes at 1 M, against 0.17 s on one). Where many
                -- are left (a late log resolving a sixth of the day) the planner hashes them against the orders.
                SELECT f.finding_id FROM finding f
                WHERE f.status = 'open' AND f.kind NOT IN ('orphan_charge', 'compensated_but_resolved')
                  AND f.business_date >= @date
                  AND NOT EXISTS (SELECT 1 FROM finding_stage s WHERE s.finding_id = f.finding_id)
                  AND EXISTS (SELECT 1 FROM platform_order o
                              WHERE o.order_no = f.order_no AND o.created_at >= @start AND o.created_at < @end)
                UNION ALL
                SELECT f.finding_id FROM finding f
                WHERE f.status = 'open' AND f.kind = 'orphan_charge' AND f.business_date <= @date
            ) f
            WHERE NOT EXISTS (SELECT 1 FROM finding_stage s WHERE s.finding_id = f.finding_id);
        """ + EvidenceSql.AnalyzeTemporary("resolvable");

    private object Parameters => new
    {
        runId = _runId,
        date = _window.Date,
        start = _window.DayStart.ToUniversalTime(),
        end = _window.DayEnd.ToUniversalTime(),
    };

    /// <summary>
    /// A queued run that is executed again (a retry, or its job re-fetched after its server died after the merge) merges
    /// its findings a second time under the same run id: the row of the first attempt is updated, and a finding that
    /// attempt saw new stays new (the first attempt already marked it open in <c>finding</c>).
    /// </summary>
    private static string RunFindingAgain(string change) =>
        $"ON CONFLICT (run_id, finding_id) DO UPDATE SET change = {change}, " +
        string.Join(", ", StageColumns.Split(", ").Where(c => c != "finding_id").Select(c => $"{c} = EXCLUDED.{c}"));

    /// <summary>The columns a finding found again may differ in (the rest are its identity).</summary>
    private const string Compared =
        "provider, provider_txn_id, vendor, expected_amount, charged_amount, delivered_quantity, ordered_quantity, currency, " +
        "compensation_action, compensation_amount, detail";

    private static string Prefixed(string alias, string columns = StageColumns) =>
        string.Join(", ", columns.Split(", ").Select(c => alias + "." + c));

    private async Task<int> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        await _connection.ExecuteAsync(new CommandDefinition(sql, parameters, _transaction, commandTimeout: 0, cancellationToken: cancellationToken));

    private async Task StageResolvableAsync(CancellationToken cancellationToken)
    {
        if (!_resolvableStaged)
        {
            await ExecuteAsync(Resolvable, Parameters, cancellationToken);
            _resolvableStaged = true;
        }
    }

    private async Task EndCopyAsync(CancellationToken cancellationToken, bool analyze = true)
    {
        if (_copy is not null)
        {
            await _copy.CompleteAsync(cancellationToken);
            await _copy.DisposeAsync();
            _copy = null;
            _analyzed = false;
        }

        if (analyze && !_analyzed)
        {
            _analyzed = true;
            // A temporary table has no statistics until analysed (autovacuum never sees it): without them the planner
            // guesses its size and may pick a nested loop over 100k staged findings.
            // Only the columns the plans join or filter on: the wide detail text was most of the sampling.
            await ExecuteAsync(EvidenceSql.AnalyzeTemporary("finding_stage (finding_id, kind, business_date, order_no, compensation_action)"), Parameters, cancellationToken);
        }
    }

    private sealed record CompensatedBreakRow(
        string RequestId, string? OrderNo, string Kind, string State, decimal Amount, decimal? NowOwed, string? Currency,
        string? Provider, string? ProviderTxnId, string? Vendor, DateTime BusinessDate);
}
