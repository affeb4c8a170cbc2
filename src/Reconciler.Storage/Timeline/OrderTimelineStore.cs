using Dapper;
using Npgsql;

namespace Reconciler.Storage.Timeline;

/// <summary>
/// An order's life node by node: created and paid (platform file), each settlement line and delivery event (with file
/// and line), each finding and each compensation state change; every branch reads by the order number through an index.
/// </summary>
public sealed class OrderTimelineStore(NpgsqlDataSource dataSource)
{
    /// <summary>The events in time order (events without a time, such as a delivery still in flight, last); empty when nothing knows the order.</summary>
    public async Task<IReadOnlyList<TimelineEvent>> ReadAsync(string orderNo, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderNo);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(Sql, new { orderNo }, cancellationToken: cancellationToken));
        return rows.Select(r => new TimelineEvent(r.At is { } at ? DbTime.Utc(at) : null, r.Node, r.Source, r.Detail)).ToList();
    }

    /// <summary>The query, for EXPLAIN in tests: each branch must be an index scan on the order number.</summary>
    public const string Sql =
        """
        WITH events AS (
            SELECT o.created_at AS at, 'created' AS node, 1 AS rank, f.source_name || ':' || o.line_no AS source,
                   o.line_no AS seq,
                   o.amount::text || ' ' || o.currency || ' via ' || o.pay_channel || ', ' || o.sku || ' x' || o.quantity
                     || ' to ' || o.target_account || ' (platform status ' || o.status || ')' AS detail
            FROM platform_order o JOIN imported_file f ON f.file_id = o.file_id
            WHERE o.order_no = @orderNo
            UNION ALL
            SELECT o.paid_at, 'paid', 2, f.source_name || ':' || o.line_no, o.line_no,
                   'paid ' || o.amount::text || ' ' || o.currency || ' via ' || o.pay_channel
            FROM platform_order o JOIN imported_file f ON f.file_id = o.file_id
            WHERE o.order_no = @orderNo AND o.paid_at IS NOT NULL
            UNION ALL
            SELECT s.occurred_at, 'settlement', 3, f.source_name || ':' || s.line_no, s.line_no,
                   s.provider || ' ' || s.entry_type || ' ' || s.gross::text || ' ' || s.currency
                     || coalesce(' (fee ' || s.fee::text || ')', '') || ', txn ' || s.provider_txn_id || ', ' || s.provider_status
            FROM settlement_line s JOIN imported_file f ON f.file_id = s.file_id
            WHERE s.order_no = @orderNo
            UNION ALL
            SELECT d.finished_at, 'delivery', 4, f.source_name || ':' || d.line_no, d.line_no,
                   d.vendor || ' ' || d.status || ', ' || d.sku || ' x' || d.quantity || ' to ' || d.target_account
                     || ', vendor order ' || d.vendor_order_id
            FROM delivery_event d JOIN imported_file f ON f.file_id = d.file_id
            WHERE d.order_no = @orderNo
            UNION ALL
            SELECT coalesce(r.started_at, r.queued_at), 'finding', 5, 'run ' || fi.first_run_id, 0,
                   fi.kind || ' ' || coalesce(coalesce(fi.compensation_amount, fi.expected_amount)::text || ' ' || fi.currency || ', ', '')
                     || fi.status || ', ' || fi.compensation_action
                     || CASE WHEN fi.detail = '' THEN '' ELSE ': ' || fi.detail END
            FROM finding fi JOIN run r ON r.run_id = fi.first_run_id
            WHERE fi.order_no = @orderNo
            UNION ALL
            SELECT c.created_at, 'compensation', 6, 'run ' || c.created_run_id, 0,
                   c.action || ' ' || c.amount::text || coalesce(' ' || c.currency, '') || ' requested (pending)'
            FROM finding fi JOIN compensation_request c ON c.request_id = fi.finding_id
            WHERE fi.order_no = @orderNo
            UNION ALL
            SELECT h.changed_at, 'compensation', 7, 'queue', h.seq,
                   h.previous_state || ' → ' || h.state || coalesce(' by ' || h.consumer, '') || ', attempt ' || h.attempt
                     || coalesce(': ' || h.note, '')
            FROM finding fi JOIN compensation_history h ON h.request_id = fi.finding_id
            WHERE fi.order_no = @orderNo
        )
        SELECT at AS At, node AS Node, source AS Source, detail AS Detail FROM events
        ORDER BY at NULLS LAST, rank, seq
        """;

    private sealed record Row(DateTime? At, string Node, string Source, string Detail);
}
