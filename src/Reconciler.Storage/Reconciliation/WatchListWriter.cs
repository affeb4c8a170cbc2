using Npgsql;
using NpgsqlTypes;

namespace Reconciler.Storage.Reconciliation;

/// <summary>
/// Writes a date's new watch list while a full look streams (binary COPY on its own connection) and commits it with the
/// stamp of the evidence it was made from, in one transaction: a look cut short leaves the previous list and stamp.
/// </summary>
internal sealed class WatchListWriter : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly DateOnly _date;
    private NpgsqlBinaryImporter? _copy;

    private WatchListWriter(NpgsqlConnection connection, NpgsqlTransaction transaction, DateOnly date)
    {
        _connection = connection;
        _transaction = transaction;
        _date = date;
    }

    public long Count { get; private set; }

    public static async Task<WatchListWriter> OpenAsync(NpgsqlDataSource dataSource, DateOnly date, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var clear = new NpgsqlCommand(
                "DELETE FROM evidence_stamp WHERE business_date = @date; DELETE FROM evidence_watch WHERE business_date = @date",
                connection, transaction))
            {
                clear.Parameters.AddWithValue("date", date);
                await clear.ExecuteNonQueryAsync(cancellationToken);
            }

            return new WatchListWriter(connection, transaction, date);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task AddAsync(string orderNo, CancellationToken cancellationToken)
    {
        _copy ??= await _connection.BeginBinaryImportAsync("COPY evidence_watch (business_date, order_no) FROM STDIN (FORMAT BINARY)", cancellationToken);
        await _copy.StartRowAsync(cancellationToken);
        await _copy.WriteAsync(_date, NpgsqlDbType.Date, cancellationToken);
        await _copy.WriteAsync(orderNo, NpgsqlDbType.Text, cancellationToken);
        Count++;
    }

    public async Task CommitAsync(string inputs, EvidenceWatch watch, string totals, CancellationToken cancellationToken)
    {
        if (_copy is not null)
        {
            await _copy.CompleteAsync(cancellationToken);
            await _copy.DisposeAsync();
            _copy = null;
        }

        await using (var stamp = new NpgsqlCommand(
            """
            INSERT INTO evidence_stamp (business_date, inputs, policy, totals, run_id, orders, watched)
            VALUES (@date, @inputs, @policy, @totals::jsonb, @runId, @orders, @watched)
            """, _connection, _transaction))
        {
            stamp.Parameters.AddWithValue("date", _date);
            stamp.Parameters.AddWithValue("inputs", inputs);
            stamp.Parameters.AddWithValue("policy", watch.Policy);
            stamp.Parameters.AddWithValue("totals", totals);
            stamp.Parameters.AddWithValue("runId", watch.RunId);
            stamp.Parameters.AddWithValue("orders", watch.Orders);
            stamp.Parameters.AddWithValue("watched", watch.Watched);
            await stamp.ExecuteNonQueryAsync(cancellationToken);
        }

        await _transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_copy is not null)
        {
            // Cut short: the COPY is abandoned and the transaction rolls back with the connection.
            await _copy.DisposeAsync();
        }

        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
