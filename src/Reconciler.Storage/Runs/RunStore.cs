using System.Globalization;
using System.IO.Compression;
using Dapper;
using Npgsql;
using Reconciler.Core.Evidence;
using Reconciler.Storage.Events;
using Reconciler.Storage.Importing;

namespace Reconciler.Storage.Runs;

/// <summary>
/// Creates, starts and closes runs, records what each run saw in its inbox, keeps two runs of one date apart, and
/// announces each run's end (and any spike of breaks) through the event outbox in the same transaction.
/// </summary>
public sealed class RunStore(NpgsqlDataSource dataSource, BreakSpikeRule? spikeRule = null)
{
    private readonly BreakSpikeRule _spikeRule = spikeRule ?? BreakSpikeRule.Default;

    /// <summary>The names of a run's outputs, as the report writers name the files.</summary>
    public static IReadOnlyList<string> OutputNames { get; } = ["mismatches.csv", "report.html", "summary.json"];

    /// <summary>Whether <paramref name="name"/> is one of <see cref="OutputNames"/>.</summary>
    public static bool IsOutput(string name) => OutputNames.Contains(name, StringComparer.Ordinal);

    /// <summary>Waits until no other run of <paramref name="date"/> is going (in any process on this database), then holds the date.</summary>
    public async Task<IAsyncDisposable> LockDateAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "SELECT pg_advisory_lock(@space, @key)", new { space = DateLockSpace, key = date.DayNumber }, commandTimeout: 0, cancellationToken: cancellationToken));
            return new DateLock(connection, date);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a run of the CLI's own: running at once, one attempt.</summary>
    public async Task<long> CreateRunAsync(DateOnly date, DateTimeOffset asOf, string requestedBy, string? reason, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO run (business_date, as_of, requested_by, reason, status, trigger, started_at, attempts)
            VALUES (@date, @asOf, @requestedBy, @reason, 'running', 'cli', now(), 1)
            RETURNING run_id
            """,
            new { date, asOf = asOf.ToUniversalTime(), requestedBy, reason }, cancellationToken: cancellationToken));
    }

    /// <summary>Records a run that a job will execute: <c>queued</c> until a server starts it; its id is known at once.</summary>
    public async Task<long> QueueRunAsync(RunSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO run (business_date, as_of, requested_by, reason, status, trigger, started_at, attempts, inbox, out_dir, forced_format)
            VALUES (@Date, @asOf, @RequestedBy, @Reason, 'queued', @Trigger, NULL, 0, @Inbox, @OutDir, @ForcedFormat)
            RETURNING run_id
            """,
            new
            {
                submission.Date, asOf = submission.AsOf.ToUniversalTime(), submission.RequestedBy, submission.Reason, submission.Trigger,
                submission.Inbox, submission.OutDir, submission.ForcedFormat,
            }, cancellationToken: cancellationToken));
    }

    public async Task SetJobIdAsync(long runId, string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE run SET hangfire_job_id = @jobId WHERE run_id = @runId", new { runId, jobId }, cancellationToken: cancellationToken));
    }

    /// <summary>The run a Hangfire job queued earlier (a job re-fetched after its server died finds its run again).</summary>
    public async Task<long?> FindRunByJobAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT max(run_id) FROM run WHERE hangfire_job_id = @jobId", new { jobId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Marks a queued (or interrupted) run as running on <paramref name="server"/>, counting the attempt; false when the
    /// run is already completed (a job re-fetched after its server died between the run and the job's own success).
    /// </summary>
    public async Task<bool> StartRunAsync(long runId, string server, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var started = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE run SET status = 'running', started_at = now(), finished_at = NULL, error = NULL, server = @server,
                           attempts = attempts + 1, progress_phase = 'starting', progress_rows = 0, progress_updated_at = now()
            WHERE run_id = @runId AND status <> 'completed'
            """, new { runId, server }, cancellationToken: cancellationToken));
        return started == 1;
    }

    /// <summary>Records how far a running run has got; cheap enough to call every few seconds.</summary>
    public async Task ReportProgressAsync(long runId, string phase, long rows, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE run SET progress_phase = @phase, progress_rows = @rows, progress_updated_at = now()
            WHERE run_id = @runId AND status = 'running'
            """, new { runId, phase, rows }, cancellationToken: cancellationToken));
    }

    public async Task RecordFileAsync(long runId, int seq, string sourceName, string sha256, FileImportOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO run_file (run_id, seq, source_name, sha256, status, file_id, detail)
            VALUES (@runId, @seq, @sourceName, @sha256, @Status, @FileId, @Detail)
            ON CONFLICT (run_id, seq) DO UPDATE
                SET source_name = excluded.source_name, sha256 = excluded.sha256, status = excluded.status,
                    file_id = excluded.file_id, detail = excluded.detail
            """,
            new { runId, seq, sourceName, sha256, outcome.Status, outcome.FileId, outcome.Detail }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Takes over a file the inbox scan imported ahead of any run, so the first run after it reports the file as its
    /// own import (rows, quarantine, rejection) instead of as a duplicate; null when another run already has it.
    /// </summary>
    public async Task<FileImportOutcome?> AdoptScannedFileAsync(long runId, long fileId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<AdoptedRow>(new CommandDefinition(
            """
            UPDATE imported_file SET run_id = @runId
            WHERE file_id = @fileId AND run_id IS NULL AND status <> 'importing'
            RETURNING status AS Status, rows_imported AS RowsImported, rows_quarantined AS RowsQuarantined, detail AS Detail,
                      imported_at AS ImportedAt
            """, new { runId, fileId }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        var scanned = string.Create(CultureInfo.InvariantCulture, $"imported ahead of the run by the inbox scan at {row.ImportedAt:yyyy-MM-dd HH:mm:ss} UTC");
        return new FileImportOutcome(row.Status, fileId, row.RowsImported, row.RowsQuarantined, row.Detail is null ? scanned : $"{row.Detail} ({scanned})");
    }

    /// <summary>
    /// Forgets what an earlier attempt of the same run recorded of its inbox, so a retried or re-fetched run reports
    /// exactly what its last attempt saw.
    /// </summary>
    public async Task ClearRunFilesAsync(long runId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM run_file WHERE run_id = @runId", new { runId }, cancellationToken: cancellationToken));
    }

    /// <summary>Stores the run's outputs byte for byte and marks it completed, in one transaction.</summary>
    /// <param name="gzipped">The gzip copy of an output by file name, when the writer made one as it wrote the file.</param>
    public async Task CompleteRunAsync(
        long runId, string summaryJson, IReadOnlyList<string> outputs, CancellationToken cancellationToken,
        Func<string, Stream?>? gzipped = null)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        await using var completion = await BeginCompletionAsync(runId, cancellationToken);
        await completion.StoreOutputsAsync(outputs, gzipped, cancellationToken);
        await completion.CompleteAsync(summaryJson, cancellationToken);
    }

    /// <summary>
    /// Opens the transaction that stores a run's outputs (<see cref="RunCompletion.StoreOutputAsync"/>, each as soon as
    /// it is written) and then marks the run completed (<see cref="RunCompletion.CompleteAsync"/>); disposed before
    /// that, it stores nothing.
    /// </summary>
    public async Task<RunCompletion> BeginCompletionAsync(long runId, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // The outputs' insert gets a generic plan: planned for its values (the custom plan an unnamed statement gets),
            // each output became a constant of the plan, which the planner copied whole as it simplified the expressions
            // (`perf` of the second day of a 1 M series: 79 of this connection's 189 samples in planning; PostgreSQL's log,
            // a rerun of that day: the two larger outputs bound in 79 / 109 ms, 28 / 39 ms with the generic plan).
            await using (var generic = new NpgsqlCommand("SET LOCAL plan_cache_mode = force_generic_plan", connection, transaction))
            {
                await generic.ExecuteNonQueryAsync(cancellationToken);
            }

            return new RunCompletion(connection, transaction, runId, _spikeRule);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // Into a temporary file removed when the stream is closed, not memory: an output may be a gigabyte.
    internal static async Task<Stream> CompressAsync(string path, CancellationToken cancellationToken)
    {
        var content = new FileStream(
            Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        try
        {
            await using (var file = File.OpenRead(path))
            await using (var gzip = new GZipStream(content, CompressionLevel.Fastest, leaveOpen: true))
            {
                await file.CopyToAsync(gzip, cancellationToken);
            }

            content.Position = 0;
            return content;
        }
        catch
        {
            await content.DisposeAsync();
            throw;
        }
    }

    /// <summary>Compatibility for callers that keep no outputs: completes the run with its totals only.</summary>
    public Task CompleteRunAsync(long runId, string summaryJson, CancellationToken cancellationToken) =>
        CompleteRunAsync(runId, summaryJson, [], cancellationToken);

    /// <summary>
    /// Refreshes the planner's statistics after an import: a day's load can multiply a table, and autovacuum's own
    /// ANALYZE comes too late for the run's queries. The three tables are analysed side by side, each on its own
    /// connection: one ANALYZE of the three took a second of a 1 M-order run, on one core, with nothing else to do.
    /// The settlement lines' BRIN index on occurred_at (migration 0026) gets the ranges the import added summarised first:
    /// unsummarised ranges match every search, and autovacuum, which summarises them otherwise, comes once a table has
    /// grown by a fifth, so a month's history would leave a week of other dates' lines in every search of a date. Both
    /// take the table's SHARE UPDATE EXCLUSIVE lock, so they run one after the other on its connection (0.18 s at 1 M).
    /// Both are the table owner's to run: an application role granted only the data (README, least privilege) skips
    /// them (ANALYZE with a warning, the summary by the ownership test), and autovacuum does both for it, later.
    /// </summary>
    public Task RefreshStatisticsAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Enum.GetValues<EvidenceKind>().Select(kind => RefreshStatisticsAsync(kind, cancellationToken)));

    /// <summary>
    /// Refreshes the statistics of the table that files of <paramref name="kind"/> feed (as above), on a connection of
    /// its own: a run refreshes each table once the last file feeding it is imported, beside the files still importing.
    /// </summary>
    public async Task RefreshStatisticsAsync(EvidenceKind kind, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(RefreshSql(kind), commandTimeout: 0, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Holds the refresh of the table that files of <paramref name="kind"/> feed from the start of a run's import
    /// (<see cref="StatisticsHold"/>: autovacuum kept off the table until the run has analysed it).
    /// </summary>
    public Task<StatisticsHold> HoldStatisticsAsync(EvidenceKind kind, CancellationToken cancellationToken) =>
        StatisticsHold.BeginAsync(dataSource, kind, cancellationToken);

    /// <summary>The evidence table that files of <paramref name="kind"/> feed.</summary>
    internal static string TableOf(EvidenceKind kind) => kind switch
    {
        EvidenceKind.Orders => "platform_order",
        EvidenceKind.Settlement => "settlement_line",
        EvidenceKind.Delivery => "delivery_event",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an evidence kind"),
    };

    /// <summary>The refresh of <see cref="TableOf"/>: the settlement lines' new BRIN ranges summarised first (by the owner), then ANALYZE.</summary>
    internal static string RefreshSql(EvidenceKind kind) =>
        kind == EvidenceKind.Settlement
            ? """
              SELECT brin_summarize_new_values(c.oid) FROM pg_class c
              WHERE c.oid = 'settlement_line_occurred_at'::regclass AND pg_has_role(c.relowner, 'USAGE');
              ANALYZE settlement_line
              """
            : $"ANALYZE {TableOf(kind)}";

    /// <summary>
    /// Marks failed the runs of <paramref name="date"/> still shown running: called under the date's lock, which a live
    /// run holds from start to end, so such a run's process died (killed, machine lost) without saying so. The run being
    /// resumed (<paramref name="resuming"/>: a queued run's job re-fetched after its server died) is left running, to be
    /// counted again by <see cref="StartRunAsync"/>: marked failed here, it showed <c>failed</c> to every reader for the
    /// moment between the two statements, and a client waiting for the run to finish took that for its end.
    /// </summary>
    public async Task<int> FailAbandonedRunsAsync(DateOnly date, CancellationToken cancellationToken, long? resuming = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE run SET status = 'failed', finished_at = now(),
                error = 'abandoned: the process running it stopped without finishing (killed or lost); a later run of the date redid its work'
            WHERE business_date = @date AND status = 'running' AND run_id IS DISTINCT FROM @resuming
            """, new { date, resuming }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Marks a queued or running run failed; the reason already recorded by <see cref="TryRecordErrorAsync"/> wins over
    /// <paramref name="error"/>. Never throws (it runs on the failure path).
    /// </summary>
    public Task<bool> TryFailRunAsync(long runId, string error) =>
        // One statement: the run.failed event exists exactly when the run was marked failed here.
        TryExecuteAsync(
            """
            WITH failed AS (
                UPDATE run SET status = 'failed', finished_at = now(), error = coalesce(error, @error), progress_phase = 'failed',
                               progress_updated_at = now()
                WHERE run_id = @runId AND status IN ('queued', 'running')
                RETURNING *
            )
            INSERT INTO event_outbox (event_type, payload)
            SELECT @eventType, jsonb_build_object(
                'runId', run_id, 'businessDate', business_date, 'asOf', as_of, 'status', status, 'requestedBy', requested_by,
                'reason', reason, 'startedAt', started_at, 'finishedAt', finished_at, 'error', error)
            FROM failed
            """, new { runId, error, eventType = EventTypes.RunFailed });

    /// <summary>Records why a running run stopped, leaving its status to the job that decides on a retry; never throws.</summary>
    public Task<bool> TryRecordErrorAsync(long runId, string error) =>
        TryExecuteAsync(
            "UPDATE run SET error = @error, progress_phase = 'stopped', progress_updated_at = now() WHERE run_id = @runId AND status = 'running'",
            new { runId, error });

    private async Task<bool> TryExecuteAsync(string sql, object parameters)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
            await connection.ExecuteAsync(sql, parameters);
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    /// <summary>Puts a failed attempt back in the queue, keeping why it failed; the job's retry will start it again.</summary>
    public async Task RequeueRunAsync(long runId, string error, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE run SET status = 'queued', finished_at = NULL, error = @error, progress_phase = 'retry scheduled', progress_updated_at = now()
            WHERE run_id = @runId AND status <> 'completed'
            """, new { runId, error }, cancellationToken: cancellationToken));
    }

    /// <summary>The latest completed run of the same date before <paramref name="runId"/>, if any.</summary>
    public async Task<long?> PreviousRunAsync(long runId, DateOnly date, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT max(run_id) FROM run WHERE business_date = @date AND run_id < @runId AND status = 'completed'",
            new { date, runId }, cancellationToken: cancellationToken));
    }

    public async Task<RunInfo> GetRunAsync(long runId, CancellationToken cancellationToken) =>
        await FindRunAsync(runId, cancellationToken) ?? throw new InvalidOperationException($"run {runId} does not exist");

    public async Task<RunInfo?> FindRunAsync(long runId, CancellationToken cancellationToken)
    {
        var rows = await QueryRunsAsync("WHERE r.run_id = @runId", new { runId }, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Runs newest first, of one date or of all.</summary>
    public Task<IReadOnlyList<RunInfo>> ListRunsAsync(DateOnly? date, int limit, CancellationToken cancellationToken) =>
        QueryRunsAsync(
            "WHERE (@date::date IS NULL OR r.business_date = @date) ORDER BY r.run_id DESC LIMIT @limit",
            new { date, limit }, cancellationToken);

    /// <summary>The compensation each completed run asked for, per currency (from its stored summary): the money at stake.</summary>
    public async Task<ILookup<long, (string Currency, decimal Amount)>> CompensationTotalsAsync(
        IReadOnlyCollection<long> runIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runIds);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long RunId, string Currency, decimal Amount)>(new CommandDefinition(
            """
            SELECT r.run_id, coalesce(t ->> 'currency', ''), (t ->> 'amount')::numeric
            FROM run r, jsonb_array_elements(coalesce(r.summary -> 'compensation_total', '[]')) t
            WHERE r.run_id = ANY(@ids)
            ORDER BY r.run_id, 2
            """, new { ids = runIds.ToArray() }, cancellationToken: cancellationToken));
        return rows.ToLookup(r => r.RunId, r => (r.Currency, r.Amount));
    }

    /// <summary>An output of a completed run as it was written (byte for byte, decompressed), or null.</summary>
    public async Task<byte[]?> ReadOutputAsync(long runId, string name, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var stored = (await connection.QueryAsync<(byte[] Content, string Encoding)>(new CommandDefinition(
            "SELECT content, content_encoding FROM run_output WHERE run_id = @runId AND name = @name", new { runId, name },
            cancellationToken: cancellationToken))).ToList();
        if (stored.Count == 0 || stored[0].Encoding != "gzip")
        {
            return stored.Count == 0 ? null : stored[0].Content;
        }

        using var plain = new MemoryStream();
        await using (var gzip = new GZipStream(new MemoryStream(stored[0].Content), CompressionMode.Decompress))
        {
            await gzip.CopyToAsync(plain, cancellationToken);
        }

        return plain.ToArray();
    }

    /// <summary>What the run changed: each finding it saw new, still open, or resolved.</summary>
    public async Task<IReadOnlyList<RunChange>> ChangesAsync(long runId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ChangeRow>(new CommandDefinition(
            """
            SELECT finding_id AS FindingId, change AS Change, kind AS Kind, business_date AS BusinessDate, order_no AS OrderNo,
                   provider AS Provider, vendor AS Vendor, currency AS Currency, compensation_action AS CompensationAction,
                   compensation_amount AS CompensationAmount
            FROM run_finding WHERE run_id = @runId
            ORDER BY CASE change WHEN 'new' THEN 0 WHEN 'open' THEN 1 ELSE 2 END, kind, order_no, finding_id
            """, new { runId }, cancellationToken: cancellationToken));
        return rows.Select(r => new RunChange(
            r.FindingId, r.Change, r.Kind, r.BusinessDate, r.OrderNo, r.Provider, r.Vendor, r.Currency, r.CompensationAction,
            r.CompensationAmount)).ToList();
    }

    private async Task<IReadOnlyList<RunInfo>> QueryRunsAsync(string where, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Npgsql reads timestamptz as a UTC DateTime, which Dapper will not bind to RunInfo's DateTimeOffsets.
        var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(
            $"""
            SELECT r.run_id AS RunId, r.business_date AS BusinessDate, r.as_of AS AsOf, r.status AS Status, r.trigger AS Trigger,
                   r.requested_by AS RequestedBy, r.reason AS Reason, r.queued_at AS QueuedAt, r.started_at AS StartedAt,
                   r.finished_at AS FinishedAt, r.hangfire_job_id AS HangfireJobId, r.attempts AS Attempts, r.server AS Server,
                   r.progress_phase AS ProgressPhase, r.progress_rows AS ProgressRows, r.progress_updated_at AS ProgressUpdatedAt,
                   r.error AS Error, r.inbox AS Inbox, r.out_dir AS OutDir, r.forced_format AS ForcedFormat,
                   coalesce(c.new, 0) AS New, coalesce(c.open, 0) AS Open, coalesce(c.resolved, 0) AS Resolved
            FROM run r
            LEFT JOIN LATERAL (
                SELECT count(*) FILTER (WHERE change = 'new') AS new, count(*) FILTER (WHERE change = 'open') AS open,
                       count(*) FILTER (WHERE change = 'resolved') AS resolved
                FROM run_finding rf WHERE rf.run_id = r.run_id) c ON true
            {where}
            """, parameters, cancellationToken: cancellationToken));
        return rows.Select(row => new RunInfo(
            row.RunId, row.BusinessDate, Utc(row.AsOf), row.Status, row.Trigger, row.RequestedBy, row.Reason, Utc(row.QueuedAt),
            Utc(row.StartedAt), Utc(row.FinishedAt), row.HangfireJobId, row.Attempts, row.Server,
            new RunProgress(row.ProgressPhase, row.ProgressRows, Utc(row.ProgressUpdatedAt)),
            new RunFindingCounts(row.New, row.Open, row.Resolved), row.Error, row.Inbox, row.OutDir, row.ForcedFormat)).ToList();
    }

    private static DateTimeOffset Utc(DateTime time) => DbTime.Utc(time);

    private static DateTimeOffset? Utc(DateTime? time) => time is { } t ? DbTime.Utc(t) : null;

    // Advisory locks are global to the database; the first key keeps ours apart from anyone else's.
    private const int DateLockSpace = 0x5245_4344;

    private sealed class DateLock(NpgsqlConnection connection, DateOnly date) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(@space, @key)", new { space = DateLockSpace, key = date.DayNumber });
            }
            finally
            {
                // Closing the session releases the lock even when the unlock above could not be sent.
                await connection.DisposeAsync();
            }
        }
    }

    private sealed record RunRow(
        long RunId, DateOnly BusinessDate, DateTime AsOf, string Status, string Trigger, string RequestedBy, string? Reason,
        DateTime QueuedAt, DateTime? StartedAt, DateTime? FinishedAt, string? HangfireJobId, int Attempts, string? Server,
        string? ProgressPhase, long ProgressRows, DateTime? ProgressUpdatedAt, string? Error, string? Inbox, string? OutDir,
        string? ForcedFormat, long New, long Open, long Resolved);

    private sealed record AdoptedRow(string Status, long RowsImported, long RowsQuarantined, string? Detail, DateTime ImportedAt);

    private sealed record ChangeRow(
        string FindingId, string Change, string Kind, DateOnly BusinessDate, string? OrderNo, string? Provider, string? Vendor,
        string? Currency, string CompensationAction, decimal? CompensationAmount);
}
