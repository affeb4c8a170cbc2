using Npgsql;
using Reconciler.Core.Matching;
using Reconciler.Storage.Importing;

namespace Reconciler.Storage.Reconciliation;

/// <summary>
/// Writes a date's new watch list while a full look streams (binary COPY on its own connection) and commits it with the
/// stamp of the evidence it was made from, in one transaction: a look cut short leaves the previous list and stamp.
/// Each watched order is kept with its folded evidence (migration 0017), which a rerun over the same evidence reads back.
/// </summary>
internal sealed class WatchListWriter : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly DateOnly _date;
    private BinaryCopyWriter? _copy;

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

    /// <summary>The columns of <c>evidence_watch</c> in the order <see cref="Add"/> writes them and the read selects them.</summary>
    internal const string Columns =
        "order_no, created_at, paid_at, product_type, quantity, amount, currency, pay_channel, payment_count, payment_gross, " +
        "refund_total, chargeback_total, first_payment_at, provider, provider_txn_id, vendor, delivered_quantity, " +
        "wrong_account_quantity, in_flight";

    /// <param name="status">The platform's status of the order (migration 0022: read by the incidents, not by a rerun).</param>
    public void Add(OrderEvidence order, string status)
    {
        ArgumentNullException.ThrowIfNull(order);
        _copy ??= BinaryCopyWriter.Begin(_connection, "evidence_watch", "business_date, " + Columns + ", order_status");
        _copy.StartRow();
        _copy.Write(_date);
        _copy.Write(order.OrderNo);
        _copy.Write(order.CreatedAt);
        _copy.WriteOrNull(order.PaidAt);
        _copy.Write(order.ProductType);
        _copy.Write(order.Quantity);
        _copy.Write(order.Amount);
        _copy.Write(order.Currency);
        _copy.Write(order.PayChannel);
        _copy.Write(order.PaymentCount);
        _copy.Write(order.PaymentGross);
        _copy.Write(order.RefundTotal);
        _copy.Write(order.ChargebackTotal);
        _copy.WriteOrNull(order.FirstPaymentAt);
        _copy.WriteOrNull(order.Provider);
        _copy.WriteOrNull(order.ProviderTxnId);
        _copy.WriteOrNull(order.Vendor);
        _copy.Write(order.DeliveredQuantity);
        _copy.Write(order.WrongAccountQuantity);
        _copy.Write(order.InFlight);
        _copy.Write(status);
        Count++;
    }

    /// <summary>
    /// A kept row back as the evidence it was (<see cref="Columns"/> from its first column on), the settlement-missing
    /// flag set from the run's own <paramref name="providersMissingSettlement"/> (it is not kept).
    /// </summary>
    internal static OrderEvidence Read(NpgsqlDataReader reader, IReadOnlySet<string> providersMissingSettlement)
    {
        var payChannel = reader.GetString(7);
        return new()
        {
            OrderNo = reader.GetString(0),
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(1),
            PaidAt = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
            ProductType = reader.GetString(3),
            Quantity = reader.GetInt32(4),
            Amount = reader.GetDecimal(5),
            Currency = reader.GetString(6),
            PayChannel = payChannel,
            PaymentCount = reader.GetInt32(8),
            PaymentGross = reader.GetDecimal(9),
            RefundTotal = reader.GetDecimal(10),
            ChargebackTotal = reader.GetDecimal(11),
            FirstPaymentAt = reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
            Provider = reader.IsDBNull(13) ? null : reader.GetString(13),
            ProviderTxnId = reader.IsDBNull(14) ? null : reader.GetString(14),
            Vendor = reader.IsDBNull(15) ? null : reader.GetString(15),
            DeliveredQuantity = reader.GetInt32(16),
            WrongAccountQuantity = reader.GetInt32(17),
            InFlight = reader.GetBoolean(18),
            SettlementMissing = providersMissingSettlement.Contains(payChannel),
        };
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
            INSERT INTO evidence_stamp (business_date, inputs, policy, totals, run_id, orders, watched, evidence_kept)
            VALUES (@date, @inputs, @policy, @totals::jsonb, @runId, @orders, @watched, true)
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
