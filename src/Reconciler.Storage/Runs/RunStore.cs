using Dapper;
using Npgsql;
using Reconciler.Storage.Importing;

namespace Reconciler.Storage.Runs;

/// <summary>Creates and closes runs, records what each run saw in its inbox, and keeps two runs of one date apart.</summary>
public sealed class RunStore(NpgsqlDataSource dataSource)
{
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

    public async Task<long> CreateRunAsync(DateOnly date, DateTimeOffset asOf, string requestedBy, string? reason, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO run (business_date, as_of, requested_by, reason)
            VALUES (@date, @asOf, @requestedBy, @reason)
            RETURNING run_id
            """,
            new { date, asOf = asOf.ToUniversalTime(), requestedBy, reason }, cancellationToken: cancellationToken));
    }

    public async Task RecordFileAsync(long runId, int seq, string sourceName, string sha256, FileImportOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO run_file (run_id, seq, source_name, sha256, status, file_id, detail)
            VALUES (@runId, @seq, @sourceName, @sha256, @Status, @FileId, @Detail)
            """,
            new { runId, seq, sourceName, sha256, outcome.Status, outcome.FileId, outcome.Detail }, cancellationToken: cancellationToken));
    }

    public async Task CompleteRunAsync(long runId, string summaryJson, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE run SET status = 'completed', finished_at = now(), summary = @summaryJson::jsonb WHERE run_id = @runId",
            new { runId, summaryJson }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Refreshes the planner's statistics after an import: a day's load can multiply a table, and autovacuum's own
    /// ANALYZE comes too late for the run's queries.
    /// </summary>
    public async Task RefreshStatisticsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "ANALYZE platform_order, settlement_line, delivery_event", commandTimeout: 0, cancellationToken: cancellationToken));
    }

    /// <summary>Marks a run failed with its one-line reason; never throws (it runs on the failure path).</summary>
    /// <summary>
    /// Marks failed the runs of <paramref name="date"/> still shown running: called under the date's lock, which a live
    /// run holds from start to end, so such a run's process died (killed, machine lost) without saying so.
    /// </summary>
    public async Task<int> FailAbandonedRunsAsync(DateOnly date, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE run SET status = 'failed', finished_at = now(),
                error = 'abandoned: the process running it stopped without finishing (killed or lost); a later run of the date redid its work'
            WHERE business_date = @date AND status = 'running'
            """, new { date }, cancellationToken: cancellationToken));
    }

    public async Task<bool> TryFailRunAsync(long runId, string error)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
            await connection.ExecuteAsync(
                "UPDATE run SET status = 'failed', finished_at = now(), error = @error WHERE run_id = @runId AND status = 'running'",
                new { runId, error });
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    /// <summary>The latest completed run of the same date before <paramref name="runId"/>, if any.</summary>
    public async Task<long?> PreviousRunAsync(long runId, DateOnly date, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT max(run_id) FROM run WHERE business_date = @date AND run_id < @runId AND status = 'completed'",
            new { date, runId }, cancellationToken: cancellationToken));
    }

    public async Task<RunInfo> GetRunAsync(long runId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Npgsql reads timestamptz as a UTC DateTime, which Dapper will not bind to RunInfo's DateTimeOffsets.
        var row = await connection.QuerySingleAsync<RunRow>(new CommandDefinition(
            """
            SELECT run_id AS RunId, business_date AS BusinessDate, as_of AS AsOf, started_at AS StartedAt, finished_at AS FinishedAt,
                   status AS Status, requested_by AS RequestedBy, reason AS Reason, error AS Error
            FROM run WHERE run_id = @runId
            """, new { runId }, cancellationToken: cancellationToken));
        return new RunInfo(
            row.RunId, row.BusinessDate, Utc(row.AsOf), Utc(row.StartedAt), row.FinishedAt is { } finished ? Utc(finished) : null,
            row.Status, row.RequestedBy, row.Reason, row.Error);
    }

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));

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
        long RunId, DateOnly BusinessDate, DateTime AsOf, DateTime StartedAt, DateTime? FinishedAt, string Status,
        string RequestedBy, string? Reason, string? Error);
}
