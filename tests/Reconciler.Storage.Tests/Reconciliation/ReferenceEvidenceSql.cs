namespace Reconciler.Storage.Tests.Reconciliation;

/// <summary>
/// The set-based evidence query the product used before the streamed merge (commit bce2157), kept as the oracle the
/// merge is checked against: one aggregate statement, every rule of DESIGN.md's evidence in SQL.
/// </summary>
internal static class ReferenceEvidenceSql
{
    private const string Blank = "E' \\t\\r\\n'";

    public const string Scope =
        """
        scope AS (
            SELECT o.order_no FROM platform_order o WHERE o.created_at >= @start AND o.created_at < @end
            UNION ALL
            SELECT DISTINCT o.order_no FROM finding f JOIN platform_order o ON o.order_no = f.order_no
            WHERE f.status = 'open' AND f.business_date < @date
              AND f.kind NOT IN ('orphan_charge', 'compensated_but_resolved')
              AND NOT (o.created_at >= @start AND o.created_at < @end)
        )
        """;

    public static string DistinctDeliveryEvents(string rowsFrom) =>
        $"""
        SELECT order_no, vendor, vendor_order_id, target_account, quantity, status, finished_at, voucher, cost, max(copies) AS copies
        FROM (
            SELECT d.order_no, d.vendor, d.vendor_order_id, d.target_account, d.quantity, d.status, d.finished_at, d.voucher,
                   d.cost, d.file_id, count(*) AS copies
            FROM {rowsFrom}
            GROUP BY d.order_no, d.vendor, d.vendor_order_id, d.target_account, d.quantity, d.status, d.finished_at, d.voucher,
                     d.cost, d.file_id
        ) per_file
        GROUP BY order_no, vendor, vendor_order_id, target_account, quantity, status, finished_at, voucher, cost
        """;

    public static readonly string OrderEvidence =
        $"""
        WITH {Scope},
        money AS (
            -- The same provider line in two files (an ALL and a REFUND bill, a re-download) is one line; its copies are
            -- identical, so min() picks the same values from any of them.
            SELECT min(order_no) AS order_no, provider, entry_type, min(provider_txn_id) AS provider_txn_id,
                   min(gross) AS gross, min(occurred_at) AS occurred_at
            FROM (
                SELECT s.order_no, s.provider, s.entry_type, s.entry_ref, s.provider_txn_id, s.gross, s.occurred_at
                FROM settlement_line s JOIN scope USING (order_no)
                WHERE s.entry_type IN ('payment', 'refund', 'chargeback', 'chargeback_reversal')
                UNION ALL
                -- A refund or chargeback may name only the payment it reverses (UnionPay S30 carries its own
                -- order number and the purchase's 查询流水号): it belongs to that payment's order.
                SELECT p.order_no, r.provider, r.entry_type, r.entry_ref, r.provider_txn_id, r.gross, r.occurred_at
                FROM settlement_line r
                JOIN settlement_line p ON p.provider = r.provider AND p.provider_txn_id = r.provider_txn_id AND p.entry_type = 'payment'
                JOIN scope ON scope.order_no = p.order_no
                WHERE r.entry_type IN ('refund', 'chargeback', 'chargeback_reversal') AND r.order_no IS DISTINCT FROM p.order_no
            ) line
            GROUP BY provider, entry_type, entry_ref
        ),
        paid AS (
            SELECT order_no,
                   count(*) FILTER (WHERE entry_type = 'payment') AS payment_count,
                   coalesce(sum(gross) FILTER (WHERE entry_type = 'payment'), 0) AS payment_gross,
                   coalesce(sum(gross) FILTER (WHERE entry_type = 'refund'), 0) AS refund_total,
                   coalesce(sum(gross) FILTER (WHERE entry_type = 'chargeback'), 0)
                     - coalesce(sum(gross) FILTER (WHERE entry_type = 'chargeback_reversal'), 0) AS chargeback_total,
                   min(occurred_at) FILTER (WHERE entry_type = 'payment') AS first_payment_at,
                   array_to_string(array_agg(provider) FILTER (WHERE entry_type = 'payment'), ',') AS providers,
                   array_to_string(array_agg(provider_txn_id) FILTER (WHERE entry_type = 'payment'), ',') AS txn_ids
            FROM money GROUP BY order_no
        ),
        attempt AS (
            {DistinctDeliveryEvents("delivery_event d JOIN scope USING (order_no)")}
        ),
        vendor_order AS (
            -- A vendor order is in flight while it has been seen processing and never final.
            SELECT a.order_no, a.vendor,
                   sum(a.quantity * a.copies) FILTER (WHERE a.status = 'success'
                       AND btrim(a.target_account, {Blank}) = btrim(o.target_account, {Blank})) AS delivered_qty,
                   sum(a.quantity * a.copies) FILTER (WHERE a.status = 'success'
                       AND btrim(a.target_account, {Blank}) <> btrim(o.target_account, {Blank})) AS wrong_qty,
                   bool_and(a.status = 'processing') AS in_flight
            FROM attempt a JOIN platform_order o USING (order_no)
            GROUP BY a.order_no, a.vendor, a.vendor_order_id
        ),
        delivered AS (
            SELECT order_no, coalesce(sum(delivered_qty), 0) AS delivered_qty, coalesce(sum(wrong_qty), 0) AS wrong_qty,
                   bool_or(in_flight) AS in_flight, array_to_string(array_agg(vendor), ',') AS vendors
            FROM vendor_order GROUP BY order_no
        )
        SELECT o.order_no, o.created_at, o.paid_at, o.product_type, o.quantity, o.amount, o.currency, o.pay_channel,
               coalesce(p.payment_count, 0)::int, coalesce(p.payment_gross, 0), coalesce(p.refund_total, 0),
               coalesce(p.chargeback_total, 0), p.first_payment_at, p.providers, p.txn_ids, d.vendors,
               coalesce(d.delivered_qty, 0)::int, coalesce(d.wrong_qty, 0)::int, coalesce(d.in_flight, false)
        FROM scope
        JOIN platform_order o USING (order_no)
        LEFT JOIN paid p USING (order_no)
        LEFT JOIN delivered d USING (order_no)
        """;

    /// <summary>
    /// The date's settlement totals as <c>ReportStore.SettlementTotalsAsync</c> counted them before 2026-12-06: every line
    /// of the date grouped by its key (copies of one provider line count once), then per provider and currency.
    /// </summary>
    public const string SettlementTotals =
        """
        WITH line AS (
            SELECT provider, entry_type, min(gross) AS gross, min(fee) AS fee, min(currency) AS currency
            FROM settlement_line WHERE occurred_at >= @start AND occurred_at < @end
            GROUP BY entry_ref, provider, entry_type
        )
        SELECT provider AS Provider, currency AS Currency,
               count(*) FILTER (WHERE entry_type = 'payment') AS Payments,
               coalesce(sum(gross) FILTER (WHERE entry_type = 'payment'), 0) AS PaymentGross,
               count(*) FILTER (WHERE entry_type = 'refund') AS Refunds,
               coalesce(sum(gross) FILTER (WHERE entry_type = 'refund'), 0) AS RefundAmount,
               count(*) FILTER (WHERE entry_type = 'chargeback') AS Chargebacks,
               coalesce(sum(gross) FILTER (WHERE entry_type = 'chargeback'), 0)
                 - coalesce(sum(gross) FILTER (WHERE entry_type = 'chargeback_reversal'), 0) AS ChargebackAmount,
               coalesce(sum(fee) FILTER (WHERE entry_type <> 'fee'), 0)
                 + coalesce(sum(gross) FILTER (WHERE entry_type = 'fee'), 0) AS Fees
        FROM line GROUP BY provider, currency ORDER BY provider, currency
        """;
}
