using Dapper;
using Npgsql;
using NpgsqlTypes;
using Reconciler.Storage.Events;

namespace Reconciler.Storage.Runs;

/// <summary>
/// The transaction that stores a run's outputs and marks it completed (<see cref="RunStore.BeginCompletionAsync"/>). An
/// output can be stored as soon as it is written, while the others are still being written: the run's last step had
/// been to send the three, one after the other, once the last was written (0.5 s of a bad day's report phase with one
/// core idle). Nothing is visible before <see cref="CompleteAsync"/> commits; disposed before that, it rolls back.
/// One caller at a time: the connection runs one statement at a time.
/// </summary>
public sealed class RunCompletion : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly long _runId;
    private readonly BreakSpikeRule _spikeRule;
    private readonly HashSet<string> _stored = new(StringComparer.Ordinal);
    private bool _completed;

    internal RunCompletion(NpgsqlConnection connection, NpgsqlTransaction transaction, long runId, BreakSpikeRule spikeRule)
    {
        _connection = connection;
        _transaction = transaction;
        _runId = runId;
        _spikeRule = spikeRule;
    }

    /// <summary>Whether the output <paramref name="name"/> is stored already.</summary>
    public bool Stored(string name) => _stored.Contains(name);

    /// <summary>
    /// Stores the gzip-compressed <paramref name="content"/> of the output <paramref name="name"/> (one of
    /// <see cref="RunStore.OutputNames"/>), replacing what an earlier attempt of the run stored under that name.
    /// </summary>
    public async Task StoreOutputAsync(string name, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(content);
        if (!RunStore.IsOutput(name))
        {
            throw new ArgumentException($"{name} is not an output of a run", nameof(name));
        }

        // Npgsql sends a seekable stream as it reads it, without a copy in memory.
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO run_output (run_id, name, content, content_encoding) VALUES (@runId, @name, @content, 'gzip')
            ON CONFLICT (run_id, name) DO UPDATE SET content = excluded.content, content_encoding = excluded.content_encoding
            """, _connection, _transaction);
        command.Parameters.AddWithValue("runId", _runId);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.Add(new NpgsqlParameter("content", NpgsqlDbType.Bytea) { Value = content, Size = -1 });
        await command.ExecuteNonQueryAsync(cancellationToken);
        _stored.Add(name);
    }

    /// <summary>
    /// Stores each of <paramref name="outputs"/> (paths of written files; those not named as outputs are skipped) not
    /// stored yet: its gzip copy when <paramref name="gzipped"/> has one, else compressed here, at gzip's fastest level
    /// (about a tenth of the bytes to send and to store).
    /// </summary>
    public async Task StoreOutputsAsync(IReadOnlyList<string> outputs, Func<string, Stream?>? gzipped, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (var path in outputs)
        {
            var name = Path.GetFileName(path);
            if (!RunStore.IsOutput(name) || Stored(name))
            {
                continue;
            }

            await using var content = gzipped?.Invoke(name) ?? await RunStore.CompressAsync(path, cancellationToken);
            await StoreOutputAsync(name, content, cancellationToken);
        }
    }

    /// <summary>Marks the run completed with its totals, with its run.completed event and any breaks.spike, and commits.</summary>
    public async Task CompleteAsync(string summaryJson, CancellationToken cancellationToken)
    {
        CrashPoints.Reach("run-output-stored");
        await using (var custom = new NpgsqlCommand("SET LOCAL plan_cache_mode TO DEFAULT", _connection, _transaction))
        {
            await custom.ExecuteNonQueryAsync(cancellationToken);
        }

        // The run.completed event and any breaks.spike are written with the status change, or not at all.
        await _connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE run SET status = 'completed', finished_at = now(), summary = @summaryJson::jsonb, error = NULL,
                           progress_phase = 'completed', progress_updated_at = now()
            WHERE run_id = @runId;
            INSERT INTO event_outbox (event_type, payload)
            SELECT @eventType, jsonb_build_object(
                'runId', run_id, 'businessDate', business_date, 'asOf', as_of, 'status', status, 'requestedBy', requested_by,
                'reason', reason, 'startedAt', started_at, 'finishedAt', finished_at,
                'findings', summary -> 'finding_counts', 'compensationTotal', summary -> 'compensation_total')
            FROM run WHERE run_id = @runId;
            {BreakSpikes.Sql}
            """,
            new
            {
                runId = _runId, summaryJson, eventType = EventTypes.RunCompleted, spikeType = EventTypes.BreaksSpike,
                factor = _spikeRule.Factor, minimum = _spikeRule.Minimum, trailingRuns = _spikeRule.TrailingRuns,
            },
            _transaction, cancellationToken: cancellationToken));
        CrashPoints.Reach("run-completed-uncommitted");
        await _transaction.CommitAsync(cancellationToken);
        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            // Nothing of an unfinished completion is kept.
            await _transaction.DisposeAsync();
        }

        await _connection.DisposeAsync();
    }
}
