using Dapper;
using Npgsql;
using Reconciler.Core.Evidence;

namespace Reconciler.Storage.Runs;

/// <summary>
/// An evidence table's statistics refresh, held from the start of a run's import to its end
/// (<see cref="RunStore.HoldStatisticsAsync"/>): a transaction of its own that takes the table's
/// <c>SHARE UPDATE EXCLUSIVE</c> lock at once and keeps it until <see cref="RefreshAsync"/> has summarised and analysed
/// the table in it. Autovacuum takes that lock only if it is free (it logs "skipping vacuum of … --- lock not
/// available" and comes back later), so it cannot start on the table while the run imports into it; the import's
/// <c>COPY</c> takes <c>ROW EXCLUSIVE</c>, which the lock lets through. Without the hold, an autovacuum that started on
/// the table during the import (a day's rows are a fifth of the table or more, as on the first days of a series) held
/// the lock when the run's <c>ANALYZE</c> asked for it, and the run waited <c>deadlock_timeout</c> (1 s) for PostgreSQL
/// to cancel it. If an autovacuum already holds the lock when the run starts, the hold's own wait cancels it after
/// <c>deadlock_timeout</c> while the files import, off the run's path. Another run's hold makes this one wait until that
/// run has refreshed the table (the end of its import); the import itself never waits for a hold. Only the table's owner
/// takes the lock (as only the owner may analyse it): an application role's hold takes none, and its refresh skips the
/// statistics as <see cref="RunStore.RefreshStatisticsAsync(EvidenceKind, CancellationToken)"/> does.
/// </summary>
public sealed class StatisticsHold : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly EvidenceKind _kind;
    private readonly CancellationTokenSource _waiting;
    private readonly Task _locked;
    private bool _done;

    private StatisticsHold(NpgsqlConnection connection, NpgsqlTransaction transaction, EvidenceKind kind, CancellationTokenSource waiting, Task locked)
    {
        _connection = connection;
        _transaction = transaction;
        _kind = kind;
        _waiting = waiting;
        _locked = locked;
    }

    internal static async Task<StatisticsHold> BeginAsync(NpgsqlDataSource dataSource, EvidenceKind kind, CancellationToken cancellationToken)
    {
        var table = RunStore.TableOf(kind);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        CancellationTokenSource? waiting = null;
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var owner = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                $"SELECT pg_has_role(c.relowner, 'USAGE') FROM pg_class c WHERE c.oid = '{table}'::regclass",
                transaction: transaction, cancellationToken: cancellationToken));
            waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // Not awaited here: the lock may wait (for an autovacuum to be cancelled, or for another run's hold), and the
            // import goes on meanwhile. The refresh awaits it.
            var locked = owner
                ? connection.ExecuteAsync(new CommandDefinition(
                    $"LOCK TABLE {table} IN SHARE UPDATE EXCLUSIVE MODE", transaction: transaction, commandTimeout: 0,
                    cancellationToken: waiting.Token))
                : Task.CompletedTask;
            return new StatisticsHold(connection, transaction, kind, waiting, locked);
        }
        catch
        {
            waiting?.Dispose();
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Summarises and analyses the table under the lock (once its files are imported) and lets the lock go.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _locked;
        await _connection.ExecuteAsync(new CommandDefinition(
            RunStore.RefreshSql(_kind), transaction: _transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        await _transaction.CommitAsync(cancellationToken);
        _done = true;
    }

    /// <summary>Lets the lock go without a refresh if none was made (the import failed): a lock still waited for is cancelled.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_done)
        {
            await _waiting.CancelAsync();
            try
            {
                await _locked;
            }
            catch (Exception e) when (e is OperationCanceledException or NpgsqlException)
            {
                // Cancelled while it waited, or the connection broke: the transaction goes with the connection.
            }
        }

        _waiting.Dispose();
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
