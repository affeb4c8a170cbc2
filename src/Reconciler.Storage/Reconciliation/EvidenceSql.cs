namespace Reconciler.Storage.Reconciliation;

/// <summary>The set-based queries of a run: which orders it looks at, and each order's evidence aggregated.</summary>
internal static class EvidenceSql
{
    // Trimming for the target comparison: spaces, tabs and line ends that a vendor log may carry around an account.
    private const string Blank = "E' \\t\\r\\n'";

    /// <summary>Orders created on the date, plus every order with a finding still open from an earlier date.</summary>
    public const string Scope =
        """
        scope AS (
            SELECT o.order_no FROM platform_order o WHERE o.created_at >= @start AND o.created_at < @end
            UNION
            SELECT f.order_no FROM finding f
            WHERE f.status = 'open' AND f.order_no IS NOT NULL AND f.business_date < @date
              AND f.kind NOT IN ('orphan_charge', 'compensated_but_resolved')
        )
        """;

    /// <summary>
    /// The distinct delivery events among the rows <paramref name="rowsFrom"/> yields (aliased <c>d</c>). The same event
    /// seen in two files counts once; retries and batch parts are distinct events, and rows alike in every field
    /// within one file are distinct parts of a batch (numbered), not one event seen twice.
    /// </summary>
    public static string DistinctDeliveryEvents(string rowsFrom) =>
        $"""
        SELECT DISTINCT order_no, vendor, vendor_order_id, target_account, quantity, status, finished_at, voucher, cost, part
        FROM (
            SELECT d.*, row_number() OVER (
                PARTITION BY d.file_id, d.vendor, d.vendor_order_id, d.target_account, d.quantity, d.status, d.finished_at, d.voucher
                ORDER BY d.line_no) AS part
            FROM {rowsFrom}
        ) numbered
        """;

    public static readonly string OrderEvidence =
        $"""
        WITH {Scope},
        money AS (
            -- The same provider line in two files (an ALL and a REFUND bill, a re-download) is one line.
            SELECT DISTINCT ON (provider, entry_type, entry_ref) order_no, provider, entry_type, provider_txn_id, gross, occurred_at
            FROM (
                SELECT s.order_no, s.provider, s.entry_type, s.entry_ref, s.provider_txn_id, s.gross, s.occurred_at, s.file_id, s.line_no
                FROM settlement_line s JOIN scope USING (order_no)
                WHERE s.entry_type IN ('payment', 'refund', 'chargeback', 'chargeback_reversal')
                UNION ALL
                -- A refund or chargeback may name only the payment it reverses (UnionPay S30 carries its own
                -- order number and the purchase's 查询流水号): it belongs to that payment's order.
                SELECT p.order_no, r.provider, r.entry_type, r.entry_ref, r.provider_txn_id, r.gross, r.occurred_at, r.file_id, r.line_no
                FROM settlement_line r
                JOIN settlement_line p ON p.provider = r.provider AND p.provider_txn_id = r.provider_txn_id AND p.entry_type = 'payment'
                JOIN scope ON scope.order_no = p.order_no
                WHERE r.entry_type IN ('refund', 'chargeback', 'chargeback_reversal') AND r.order_no IS DISTINCT FROM p.order_no
            ) line
            ORDER BY provider, entry_type, entry_ref, file_id, line_no
        ),
        paid AS (
            SELECT order_no,
                   count(*) FILTER (WHERE entry_type = 'payment') AS payment_count,
                   coalesce(sum(gross) FILTER (WHERE entry_type = 'payment'), 0) AS payment_gross,
                   coalesce(sum(gross) FILTER (WHERE entry_type = 'refund'), 0) AS refund_total,
                   coalesce(sum(gross) FILTER (WHERE entry_type = 'chargeback'), 0)
                     - coalesce(sum(gross) FILTER (WHERE entry_type = 'chargeback_reversal'), 0) AS chargeback_total,
                   min(occurred_at) FILTER (WHERE entry_type = 'payment') AS first_payment_at,
                   string_agg(DISTINCT provider, ',' ORDER BY provider) FILTER (WHERE entry_type = 'payment') AS providers,
                   string_agg(DISTINCT provider_txn_id, ',' ORDER BY provider_txn_id) FILTER (WHERE entry_type = 'payment') AS txn_ids
            FROM money GROUP BY order_no
        ),
        attempt AS (
            {DistinctDeliveryEvents("delivery_event d JOIN scope USING (order_no)")}
        ),
        delivered AS (
            SELECT a.order_no,
                   coalesce(sum(a.quantity) FILTER (WHERE a.status = 'success'
                       AND btrim(a.target_account, {Blank}) = btrim(o.target_account, {Blank})), 0) AS delivered_qty,
                   coalesce(sum(a.quantity) FILTER (WHERE a.status = 'success'
                       AND btrim(a.target_account, {Blank}) <> btrim(o.target_account, {Blank})), 0) AS wrong_qty,
                   string_agg(DISTINCT a.vendor, ',' ORDER BY a.vendor) AS vendors
            FROM attempt a JOIN platform_order o USING (order_no)
            GROUP BY a.order_no
        ),
        vendor_order AS (
            -- A vendor order is in flight while it has been seen processing and never final.
            SELECT order_no, bool_and(status = 'processing') AS in_flight
            FROM attempt GROUP BY order_no, vendor, vendor_order_id
        ),
        flight AS (
            SELECT order_no, bool_or(in_flight) AS in_flight FROM vendor_order GROUP BY order_no
        )
        SELECT o.order_no, o.created_at, o.paid_at, o.product_type, o.quantity, o.amount, o.currency, o.pay_channel,
               coalesce(p.payment_count, 0)::int, coalesce(p.payment_gross, 0), coalesce(p.refund_total, 0),
               coalesce(p.chargeback_total, 0), p.first_payment_at, p.providers, p.txn_ids, d.vendors,
               coalesce(d.delivered_qty, 0)::int, coalesce(d.wrong_qty, 0)::int, coalesce(f.in_flight, false)
        FROM scope
        JOIN platform_order o USING (order_no)
        LEFT JOIN paid p USING (order_no)
        LEFT JOIN delivered d USING (order_no)
        LEFT JOIN flight f USING (order_no)
        """;

    /// <summary>Distinct payments of the date (and payments of orphans still open from earlier dates) that name no known order.</summary>
    public const string OrphanPayments =
        """
        WITH candidate AS (
            SELECT s.provider, s.provider_txn_id, s.entry_ref, s.order_no, s.gross, s.currency, s.occurred_at, s.file_id, s.line_no
            FROM settlement_line s
            WHERE s.entry_type = 'payment' AND s.occurred_at >= @start AND s.occurred_at < @end
            UNION ALL
            SELECT s.provider, s.provider_txn_id, s.entry_ref, s.order_no, s.gross, s.currency, s.occurred_at, s.file_id, s.line_no
            FROM finding f
            JOIN settlement_line s ON s.provider = f.provider AND s.provider_txn_id = f.provider_txn_id AND s.entry_type = 'payment'
            WHERE f.kind = 'orphan_charge' AND f.status = 'open' AND f.business_date < @date
        ),
        payment AS (
            SELECT DISTINCT ON (provider, entry_ref) *
            FROM candidate
            ORDER BY provider, entry_ref, file_id, line_no
        )
        SELECT p.provider, p.provider_txn_id, p.order_no, p.gross, p.currency, p.occurred_at
        FROM payment p
        WHERE p.order_no IS NULL OR NOT EXISTS (SELECT 1 FROM platform_order o WHERE o.order_no = p.order_no)
        ORDER BY p.provider, p.provider_txn_id
        """;
}
