using Dapper;
using Npgsql;
using Reconciler.Core.Matching;
using Reconciler.Storage.Importing;

namespace Reconciler.Storage.Reconciliation;

/// <summary>
/// Stages a run's findings with binary COPY, then in one transaction: records which compensations a resolved
/// break leaves behind, upserts the findings, resolves the ones the run no longer sees, and keeps exactly one
/// compensation request per automatic finding.
/// <para>
/// Once told to (<see cref="MergeInChunks"/>: a run's full look at its evidence), the findings are merged a chunk at a
/// time while the run still adds them (<see cref="ChunkRows"/>): each chunk is
/// copied into <c>finding_chunk</c>, and once it is full its upsert, its <c>run_finding</c> rows and its compensation
/// requests are written on this connection in the background while the next findings wait in a file (as the COPY will
/// take them); then the chunk joins <c>finding_stage</c>, which holds every finding merged so far for the statements
/// that need them all (what resolves, the compensations a resolved break leaves behind, the counts), and every finding
/// that waited starts the next chunk: a chunk grows when the findings come faster than chunks merge (a vendor's outage
/// in one stretch of the day). The evidence merge keeps the run's own process busy and leaves PostgreSQL room beside
/// it, where the merge of a bad day's 100k findings had been a statement of its own after the evidence, with a core
/// idle. The findings of a look at the watch list only are merged at the end, in one join, as a writer never told
/// merges them all.
/// </para>
/// </summary>
public sealed class FindingWriter : IAsyncDisposable
{
    /// <summary>Findings per chunk merged in the background (<see cref="ReconciliationStore.FindingChunkRows"/> changes it for the tests).</summary>
    internal const int ChunkRows = 16_384;

    private const string StageColumns =
        "finding_id, kind, business_date, order_no, provider, provider_txn_id, vendor, expected_amount, charged_amount, " +
        "delivered_quantity, ordered_quantity, currency, compensation_action, compensation_amount, detail";

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly long _runId;
    private readonly ReconciliationWindow _window;
    private readonly int _chunkRows;
    private bool _chunking;
    private readonly CancellationToken _cancellationToken;
    private BinaryCopyWriter? _copy;
    // The findings added while a chunk merges, encoded as the COPY will take them, in a file of their own (Add).
    private readonly KeptRows _waiting = new(StageColumns);
    private Task? _merging;
    private long _chunked;
    private bool? _again;
    private long _requestsCreated;
    private long _requestsUpdated;
    private bool _committed;
    private bool _resolvableStaged;

    private FindingWriter(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long runId, ReconciliationWindow window, int? chunkRows,
        CancellationToken cancellationToken)
    {
        _connection = connection;
        _transaction = transaction;
        _runId = runId;
        _window = window;
        _chunkRows = chunkRows ?? ChunkRows;
        _chunking = chunkRows is not null;
        _cancellationToken = cancellationToken;
    }

    public long Count { get; private set; }

    /// <summary>How many findings waited for a chunk merging in the background (the tests).</summary>
    internal long Waited { get; private set; }

    /// <summary>How many chunks were merged again through ON CONFLICT after another run's insert of a key (the tests).</summary>
    internal int MergedAgain { get; private set; }

    /// <param name="cancellationToken">Also stops the chunks merged in the background.</param>
    /// <param name="chunkRows">
    /// Merges chunks of this many from the first finding on (the tests); null: chunks of <see cref="ChunkRows"/> once told.
    /// </param>
    internal static async Task<FindingWriter> OpenAsync(
        NpgsqlDataSource dataSource, long runId, ReconciliationWindow window, CancellationToken cancellationToken, int? chunkRows = null)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                -- No JIT for the writer's statements: a chunk merged in the background probes finding and the requests
                -- by key, a plan costed past JIT's thresholds, so every chunk upsert of a 1 M run was compiled, and on
                -- the outage day one spent 407 ms compiling of its 2.8 s and its requests' insert 282 ms (auto_explain),
                -- on the connection every finding waits for, to run over 16k-130k rows.
                SET LOCAL jit = off;
                CREATE TEMP TABLE finding_chunk (
                    finding_id text NOT NULL, kind text NOT NULL, business_date date NOT NULL, order_no text, provider text,
                    provider_txn_id text, vendor text, expected_amount numeric, charged_amount numeric, delivered_quantity integer,
                    ordered_quantity integer, currency text, compensation_action text NOT NULL, compensation_amount numeric,
                    detail text NOT NULL) ON COMMIT DROP;
                -- The merged findings, for what needs them all (what resolves, the compensations a resolved break leaves
                -- behind): those read only the id and the amount owed now, so only those move here from each chunk.
                CREATE TEMP TABLE finding_stage (finding_id text NOT NULL, compensation_amount numeric) ON COMMIT DROP;
                """, transaction: transaction, cancellationToken: cancellationToken));
            return new FindingWriter(connection, transaction, runId, window, chunkRows, cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Merges the findings added from now on a chunk at a time in the background (the class says when it pays); the rest
    /// are merged by <see cref="ForEachCompensatedBreakAsync"/> or <see cref="CommitAsync"/>.
    /// </summary>
    public void MergeInChunks() => _chunking = true;

    /// <summary>Stages one finding; <paramref name="businessDate"/> is the order's (or orphan payment's) business date.</summary>
    public void Add(Finding finding, DateOnly businessDate)
    {
        ArgumentNullException.ThrowIfNull(finding);
        if (_resolvableStaged && finding.Kind != FindingKind.CompensatedButResolved)
        {
            throw new InvalidOperationException("the resolvable findings are already staged: add every finding before ForEachCompensatedBreakAsync");
        }

        Count++;
        if (_merging is not null)
        {
            if (!_merging.IsCompleted)
            {
                // The connection is busy with the chunk: the finding waits, encoded as the COPY will take it, in a file
                // (memory stays flat however many wait: a vendor's outage puts a third of its orders in one stretch of
                // the day, 190k findings in two seconds at 1 M orders, where a chunk of 60k merges in 2.4 s beside the
                // evidence). They all join the next chunk, which is larger when the findings outpace the merges.
                Write(_waiting.StartRow(), finding, businessDate);
                Waited++;
                return;
            }

            // The chunk is merged: its errors surface here, and the connection is free for the next chunk's COPY.
            _merging.GetAwaiter().GetResult();
            _merging = null;
            WriteWaiting();
        }

        var copy = ChunkCopy();
        copy.StartRow();
        Write(copy, finding, businessDate);
        _chunked++;
        // Only while the run adds the findings it evaluated: the compensated_but_resolved ones come last, few, once
        // what resolves is staged, and are merged with the last chunk.
        if (_chunking && _chunked >= _chunkRows && !_resolvableStaged)
        {
            _merging = MergeChunkAsync(background: true, _cancellationToken);
        }
    }

    /// <summary>Sends the findings that waited for the last chunk into the next one's COPY.</summary>
    private void WriteWaiting()
    {
        if (_waiting.Count == 0)
        {
            return;
        }

        _waiting.CopyInto(ChunkCopy());
        _chunked += _waiting.Count;
        // Emptied for the next findings that wait.
        _waiting.Clear();
    }

    /// <summary>The COPY into <c>finding_chunk</c> under way, or a new one (after a chunk's merge ended the last).</summary>
    private BinaryCopyWriter ChunkCopy() => _copy ??= BinaryCopyWriter.Begin(_connection, "finding_chunk", StageColumns);

    /// <summary>Writes the values of a row <paramref name="copy"/> has started.</summary>
    private static void Write(BinaryCopyWriter copy, Finding finding, DateOnly businessDate)
    {
        copy.Write(finding.FindingId);
        copy.Write(finding.Kind.ToName());
        copy.Write(businessDate);
        copy.WriteOrNull(finding.OrderNo);
        copy.WriteOrNull(finding.Provider);
        copy.WriteOrNull(finding.ProviderTxnId);
        copy.WriteOrNull(finding.Vendor);
        copy.WriteOrNull(finding.ExpectedAmount);
        copy.WriteOrNull(finding.ChargedAmount);
        copy.WriteOrNull(finding.DeliveredQuantity);
        copy.WriteOrNull(finding.OrderedQuantity);
        copy.WriteOrNull(finding.Currency);
        copy.Write(finding.Action.ToName());
        copy.WriteOrNull(finding.CompensationAmount);
        copy.Write(finding.Detail);
    }

    /// <summary>
    /// Merges every finding added so far: waits for the chunk merging in the background, writes the findings that waited
    /// for it, merges them with the rest in one join, and stages what resolves (once).
    /// </summary>
    private async Task MergeAllAsync(CancellationToken cancellationToken)
    {
        if (_merging is not null)
        {
            var merging = _merging;
            _merging = null;
            await merging;
        }

        WriteWaiting();
        await MergeChunkAsync(background: false, cancellationToken);
        await StageResolvableAsync(cancellationToken);
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
        await MergeAllAsync(cancellationToken);
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
            // The next statement needs the connection: the COPY of this batch's findings ends first (merged at the commit).
            await EndCopyAsync(cancellationToken);
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
        await MergeAllAsync(cancellationToken);
        var p = Parameters;
        CrashPoints.Reach("findings-merged");

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

        // The requests were written with their chunks (MergeChunkAsync).
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
            counts.New, counts.Open, resolved, _requestsCreated, _requestsUpdated, withdrawn,
            counts.CompensatedButResolved);
    }

    /// <summary>
    /// Merges the findings copied into <c>finding_chunk</c> since the last chunk: upserts them into <c>finding</c>, records
    /// them in <c>run_finding</c>, writes their compensation requests, and moves them to <c>finding_stage</c>. A finding
    /// is in one chunk only (the rules see each order once; a finding id staged twice is merged once, as ever, only
    /// within a chunk: twice across chunks, the second <c>run_finding</c> insert fails loudly).
    /// </summary>
    /// <param name="background">
    /// A chunk merged while the run adds findings (a chunk's worth at most): its findings and requests are looked up by
    /// key, a probe each (<see cref="LookedUp"/>). Otherwise (the findings left at the end, or all of them) PostgreSQL
    /// joins them as it plans.
    /// </param>
    private async Task MergeChunkAsync(bool background, CancellationToken cancellationToken)
    {
        await EndCopyAsync(cancellationToken);
        if (_chunked == 0)
        {
            return;
        }

        _chunked = 0;
        // A temporary table has no statistics until analysed (autovacuum never sees it): without them the planner
        // guesses its size. Only the columns the plans join or filter on: the wide detail text was most of the sampling.
        await ExecuteAsync(EvidenceSql.AnalyzeTemporary("finding_chunk (finding_id, kind, business_date, order_no, compensation_action)"), Parameters, cancellationToken);
        var p = Parameters;
        // A run's findings go into run_finding by a plain INSERT: its first merge has no rows there to conflict with, and
        // the arbiter check of ON CONFLICT cost each of 100k rows a speculative insertion (0.47 s against 0.62-0.70 s,
        // psql). Only a second attempt under the same run id (RunFindingAgain) updates the rows of the first.
        _again ??= await _connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM run_finding WHERE run_id = @runId)", p, _transaction, cancellationToken: cancellationToken));
        // The findings and requests the lookup found no row for are plain inserts: an ON CONFLICT insert is a
        // speculative one (the arbiter probed first, each index entry inserted as speculative, then confirmed, a WAL
        // record more per row), 1.37-1.41 s against 1.06-1.11 s for an outage day's 202 k findings and 0.91-0.95 s
        // against 0.66-0.68 s for its 195 k requests (psql, empty tables, three times each). Another run's insert of the
        // same key, still uncommitted when this statement took its snapshot (a carried-over order that two dates' runs look
        // at side by side), makes the plain insert fail once that run commits: the chunk is then merged again from its
        // savepoint with every row through ON CONFLICT, as before.
        (long Created, long Updated) requests;
        await ExecuteAsync("SAVEPOINT finding_chunk_merge", p, cancellationToken);
        try
        {
            requests = await MergeStatementsAsync(background, plainWhereNew: true, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation
                                           && e.ConstraintName is "finding_pkey" or "compensation_request_pkey")
        {
            await ExecuteAsync("ROLLBACK TO SAVEPOINT finding_chunk_merge", p, cancellationToken);
            MergedAgain++;
            requests = await MergeStatementsAsync(background, plainWhereNew: false, cancellationToken);
        }

        await ExecuteAsync("RELEASE SAVEPOINT finding_chunk_merge", p, cancellationToken);
        _requestsCreated += requests.Created;
        _requestsUpdated += requests.Updated;

        await ExecuteAsync(
            "INSERT INTO finding_stage SELECT finding_id, compensation_amount FROM finding_chunk; TRUNCATE finding_chunk;",
            p, cancellationToken);
    }

    /// <summary>
    /// The chunk's upsert with its <c>run_finding</c> rows and its requests; returns how many requests were created and
    /// how many updated (counted there: a row back per request was 195 k rows sent and read for two numbers).
    /// <paramref name="plainWhereNew"/>: the rows the lookup found nothing for go in by a plain insert, and only the
    /// others through ON CONFLICT — in one statement: a finding the lookup did not find has no request either (a request
    /// is written only from its finding, which no run deletes: migration 0029's guards), so its request is inserted
    /// without a lookup of its own, and only the findings found are looked up in <c>compensation_request</c>. As a
    /// statement of its own after the upsert, the requests' read the chunk again, sorted it again and probed the key of
    /// every automatic finding (0.33 s of the 1.02 s that 79 k new findings' requests took on a 1 M outage day,
    /// <c>auto_explain</c>). Otherwise (the chunk merged again after a unique violation) the requests are a second
    /// statement that looks every one up, as before.
    /// </summary>
    private async Task<(long Created, long Updated)> MergeStatementsAsync(bool background, bool plainWhereNew, CancellationToken cancellationToken)
    {
        var p = Parameters;
        var insertFinding = $"INSERT INTO finding ({StageColumns}, status, first_run_id, last_run_id)";
        const string insertRequest = "INSERT INTO compensation_request AS c (request_id, order_no, kind, action, amount, currency, created_run_id)";
        const string requestColumns = "finding_id, order_no, kind, compensation_action, compensation_amount, currency, @runId";
        // The requests already there that the upsert would leave alone are left out first (a rerun stages 100k findings
        // whose requests are already pending as they were, or already claimed or done).
        const string requestLeftAlone =
            """
            (k.state NOT IN ('pending', 'withdrawn')
                   OR (k.state = 'pending' AND k.amount = s.compensation_amount AND k.action = s.compensation_action)) IS NOT TRUE
            """;
        const string upsertRequest =
            """
            ON CONFLICT (request_id) DO UPDATE SET
                    amount = EXCLUDED.amount, action = EXCLUDED.action, currency = EXCLUDED.currency,
                    state = 'pending', outcome = NULL, updated_at = now()
                WHERE c.state IN ('pending', 'withdrawn')
                  AND (c.state <> 'pending' OR c.amount <> EXCLUDED.amount OR c.action <> EXCLUDED.action)
                RETURNING (xmax = 0) AS created
            """;
        var findings =
            $"""
            WITH staged AS MATERIALIZED (
                -- Each staged finding with what finding holds for it: whether it was open (new or still open for
                -- run_finding) and whether it is unchanged (left alone by the upsert), in one join. Three joins of the
                -- 100k staged findings with finding before (a semi-join, a left join and an anti-join).
                SELECT {Prefixed("s")}, k.status AS prior_status,
                       coalesce(k.status = 'open' AND ({Prefixed("k", Compared)}) IS NOT DISTINCT FROM ({Prefixed("s", Compared)}), false) AS unchanged
                FROM (SELECT DISTINCT ON (finding_id) * FROM finding_chunk ORDER BY finding_id) s
                {LookedUp(background, "finding", "*", "finding_id")}
                -- In key order, as the keys' indexes (finding's, run_finding's) take them: a hash join hands the rows
                -- over in its buckets' order, and each went to a random leaf of both (the findings left at the end of
                -- a 1 M outage day, 112 k, psql alternating: 2.09-2.74 s against 2.77-3.28 s for the statement). A
                -- chunk probed by key is in that order already, and nothing is sorted.
                ORDER BY s.finding_id
            ),
            {(plainWhereNew ? $"""
            added AS (
                {insertFinding}
                SELECT {StageColumns}, 'open', @runId, @runId FROM staged s WHERE s.prior_status IS NULL
            ),
            """ : string.Empty)}
            upsert AS (
                {insertFinding}
                SELECT {StageColumns}, 'open', @runId, @runId FROM staged s
                -- The findings the conflict clause would leave alone are left out first: ON CONFLICT locks the row it
                -- conflicts with even when its WHERE then declines the update, a row lock written into each of the 100k
                -- findings a rerun finds again (0.4 s of WAL and dirtied pages at 1 M).
                WHERE NOT s.unchanged{(plainWhereNew ? " AND s.prior_status IS NOT NULL" : string.Empty)}
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
            """;
        var runFinding =
            $"""
            INSERT INTO run_finding (run_id, change, {StageColumns})
                SELECT @runId, CASE WHEN s.prior_status = 'open' THEN 'open' ELSE 'new' END, {Prefixed("s")}
                FROM staged s
                {(_again!.Value ? RunFindingAgain("CASE WHEN run_finding.change = 'new' THEN 'new' ELSE EXCLUDED.change END") : string.Empty)}
            """;
        if (plainWhereNew)
        {
            return await _connection.QuerySingleAsync<(long Created, long Updated)>(new CommandDefinition(
                $"""
                {findings},
                logged AS (
                    {runFinding}
                ),
                request_known AS MATERIALIZED (
                    SELECT s.finding_id, s.order_no, s.kind, s.compensation_action, s.compensation_amount, s.currency,
                           k.request_id IS NULL AS unknown
                    FROM staged s
                    {LookedUp(background, "compensation_request", "k.request_id, k.state, k.amount, k.action", "request_id")}
                    WHERE s.prior_status IS NOT NULL AND s.compensation_action IN ({CompensationActionSql.Automatic})
                      AND {requestLeftAlone}
                    ORDER BY s.finding_id
                ),
                requested AS (
                    {insertRequest}
                    SELECT {requestColumns} FROM staged
                    WHERE prior_status IS NULL AND compensation_action IN ({CompensationActionSql.Automatic})
                    RETURNING true AS created
                ),
                added_request AS (
                    {insertRequest}
                    SELECT {requestColumns} FROM request_known WHERE unknown
                    RETURNING true AS created
                ),
                upsert_request AS (
                    {insertRequest}
                    SELECT {requestColumns} FROM request_known WHERE NOT unknown
                    {upsertRequest}
                )
                SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created)
                FROM (SELECT created FROM requested UNION ALL SELECT created FROM added_request UNION ALL SELECT created FROM upsert_request) written
                """, p, _transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        }

        await ExecuteAsync(findings + "\n" + runFinding, p, cancellationToken);
        return await _connection.QuerySingleAsync<(long Created, long Updated)>(new CommandDefinition(
            $"""
            WITH staged AS MATERIALIZED (
                SELECT DISTINCT ON (finding_id) finding_id, order_no, kind, compensation_action, compensation_amount, currency
                FROM finding_chunk s
                {LookedUp(background, "compensation_request", "k.request_id, k.state, k.amount, k.action", "request_id")}
                WHERE compensation_action IN ({CompensationActionSql.Automatic})
                  AND {requestLeftAlone}
                ORDER BY finding_id
            ),
            upsert AS (
                {insertRequest}
                SELECT {requestColumns} FROM staged
                {upsertRequest}
            )
            SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM upsert
            """, p, _transaction, commandTimeout: 0, cancellationToken: cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        if (_merging is not null)
        {
            try
            {
                await _merging;
            }
            catch (Exception e) when (e is NpgsqlException or OperationCanceledException or InvalidOperationException)
            {
                // A chunk that failed in the background: the run's own error (or this one, seen by Add) is reported.
            }
        }

        if (_copy is not null)
        {
            await _copy.DisposeAsync();
        }

        _waiting.Dispose();

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

    /// <summary>
    /// The staged findings' rows of <paramref name="table"/> (alias <c>k</c>, matched on <paramref name="key"/>), left-joined.
    /// For a background chunk, one probe of the key per finding (<c>OFFSET 0</c> keeps the lookup a probe): joined, the
    /// planner hashed each chunk against a scan of every finding and request ever stored (<c>auto_explain</c> of a 1 M
    /// run: Hash Right Join over Seq Scan on finding, once per chunk), which grows with the chunks and with history. For
    /// the one merge at the end, the join the planner picks: probed one by one, a rerun's 100k findings found again
    /// took 1.18 s against 0.70 s hashed.
    /// </summary>
    private static string LookedUp(bool background, string table, string columns, string key) =>
        background
            ? $"LEFT JOIN LATERAL (SELECT {columns} FROM {table} k WHERE k.{key} = s.finding_id OFFSET 0) k ON true"
            : $"LEFT JOIN (SELECT {columns} FROM {table} k) k ON k.{key} = s.finding_id";

    private static string Prefixed(string alias, string columns = StageColumns) =>
        string.Join(", ", columns.Split(", ").Select(c => alias + "." + c));

    private async Task<int> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        await _connection.ExecuteAsync(new CommandDefinition(sql, parameters, _transaction, commandTimeout: 0, cancellationToken: cancellationToken));

    private async Task StageResolvableAsync(CancellationToken cancellationToken)
    {
        if (!_resolvableStaged)
        {
            // The upsert may have doubled the open findings; the statements below (what resolves first) join them with the
            // day's orders and the staged findings, and a planner still counting yesterday's few would choose a nested loop
            // over them (day 2 of a 300 k series at 10 %: what resolves, staged after the merge, ran 160 s as a nested loop
            // over the staged findings with yesterday's statistics). ANALYZE sees this transaction's rows.
            // A run that adds few findings (a rerun finds its 100k again) leaves the estimates right and skips it (0.4 s).
            // Only the columns the statements below join and filter on (and the table's row count, which every ANALYZE
            // takes): the statistics of all twenty columns took 0.27-0.39 s at 1 M orders, these five 0.11 s; autovacuum
            // analyses the whole table after a run that changed a tenth of it.
            var grown = await _connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                """
                SELECT (SELECT count(*) FROM run_finding WHERE run_id = @runId AND change = 'new')
                       >= 0.1 * (SELECT reltuples FROM pg_class WHERE oid = 'finding'::regclass)
                """, Parameters, _transaction, cancellationToken: cancellationToken));
            if (grown)
            {
                await ExecuteAsync("ANALYZE finding (finding_id, kind, business_date, order_no, status)", Parameters, cancellationToken);
            }

            // Looked up by id in what resolves (NOT EXISTS): a nested loop over it probes instead of rescanning it. Built
            // here, once every chunk is in, from the rows sorted: kept up as each chunk moved in, each finding's key went
            // to a random leaf, most of the move's cost (one move on the 7th day of a 300 k series took 0.56 s; psql, 210 k
            // keys in four chunks, 463 ms against 151 ms and 129 ms for the build), on the connection every finding waits for.
            await ExecuteAsync("CREATE INDEX ON finding_stage (finding_id)", Parameters, cancellationToken);
            // Every finding but the compensated_but_resolved ones is merged and in finding_stage by now; the statements
            // that read it all want its statistics (its size, and the ids they join on).
            await ExecuteAsync(EvidenceSql.AnalyzeTemporary("finding_stage (finding_id)"), Parameters, cancellationToken);
            await ExecuteAsync(Resolvable, Parameters, cancellationToken);
            _resolvableStaged = true;
        }
    }

    private async Task EndCopyAsync(CancellationToken cancellationToken)
    {
        if (_copy is not null)
        {
            await _copy.CompleteAsync(cancellationToken);
            await _copy.DisposeAsync();
            _copy = null;
        }
    }

    private sealed record CompensatedBreakRow(
        string RequestId, string? OrderNo, string Kind, string State, decimal Amount, decimal? NowOwed, string? Currency,
        string? Provider, string? ProviderTxnId, string? Vendor, DateTime BusinessDate);
}
