namespace Reconciler.Storage.Reconciliation;

/// <summary>The queries of a run: which orders it looks at, and the rows of evidence the merge folds into each order.</summary>
internal static class EvidenceSql
{
    // Trimming for the target comparison: spaces, tabs and line ends that a vendor log may carry around an account.
    private const string Blank = "E' \\t\\r\\n'";

    /// <summary>
    /// Settings for the day-sized queries, in their own transaction: memory for their hash aggregates and sorts (at
    /// PostgreSQL's default a million groups spill to disk in dozens of batches; twice this per hash node), and no JIT:
    /// compiling these plans took 2.8 s of a 1 M-order run and saved less than it cost.
    /// </summary>
    public const string AggregateMemory = "SET LOCAL work_mem = '128MB'; SET LOCAL jit = off";

    /// <summary>
    /// The two parts of a run's scope, each joined on its own: the orders of the date (on a rerun over unchanged
    /// evidence, the watch list: the orders of the date the last full look could not call clean,
    /// <see cref="EvidenceWatch"/>), and the orders with a finding still open from an earlier date. Joined as one
    /// <c>UNION ALL</c>, the planner knew the scope's size but not its distinct order numbers (an Append has no column
    /// statistics), guessed 200, and hashed the million evidence rows of every date instead of the scope: 0.93 s
    /// against 0.53 s for the money lines of a 1 M-order rerun, the same again for the delivery rows.
    /// </summary>
    private static string DateOrders(bool watched) =>
        watched
            ? "SELECT w.order_no FROM evidence_watch w WHERE w.business_date = @date"
            : "SELECT o.order_no FROM platform_order o WHERE o.created_at >= @start AND o.created_at < @end";

    /// <summary>Orders of earlier dates with a finding still open: looked at again by every run.</summary>
    private const string CarriedOver =
        """
        SELECT DISTINCT o.order_no FROM finding f JOIN platform_order o ON o.order_no = f.order_no
        WHERE f.status = 'open' AND f.business_date < @date
          AND f.kind NOT IN ('orphan_charge', 'compensated_but_resolved')
          AND NOT (o.created_at >= @start AND o.created_at < @end)
        """;

    /// <summary>
    /// <paramref name="select"/> (which names its rows' table and leaves a <c>{scope}</c> join to fill) once per part of
    /// the scope, as one <c>UNION ALL</c>: the parts are disjoint (a carried-over order was created on another date).
    /// </summary>
    private static string PerScopePart(bool watched, string select) =>
        select.Replace("{scope}", $"({DateOrders(watched)}) scope", StringComparison.Ordinal)
        + "\nUNION ALL\n"
        + select.Replace("{scope}", $"({CarriedOver}) scope", StringComparison.Ordinal);

    /// <summary>
    /// What the evidence of every date is made of: the files imported so far. Every row of evidence comes with an
    /// imported file (orders merged from a later export too), and files are never deleted, so equal stamps mean the
    /// same evidence.
    /// </summary>
    public const string InputsStamp =
        """
        SELECT concat_ws('/', count(*), coalesce(max(file_id), 0), count(*) FILTER (WHERE status = 'imported'),
                         coalesce(sum(file_id) FILTER (WHERE status = 'imported'), 0))
        FROM imported_file
        """;

    /// <summary>
    /// The distinct delivery events among the rows <paramref name="rowsFrom"/> yields (aliased <c>d</c>), each with the
    /// number of <c>copies</c> it stands for. The same event seen in two files counts once; retries and batch parts are
    /// distinct events; rows alike in every field within one file are that many parts of a batch, so an event counts
    /// as often as the file listing it most often does. Every step is a hash aggregate: no sort over the day.
    /// </summary>
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

    /// <summary>
    /// The orders in scope, sorted by order number in code point order (<c>COLLATE "C"</c>): the stream that drives the
    /// evidence merge. Orders of the date come straight from their index range, with no join (on a rerun over unchanged
    /// evidence, from the watch list).
    /// </summary>
    public static string ScopeOrders(bool watched) =>
        $"""
        SELECT * FROM (
            SELECT o.order_no, o.created_at, o.paid_at, o.product_type, o.quantity, o.amount, o.currency, o.pay_channel,
                   o.target_account
            {(watched
                ? "FROM evidence_watch w JOIN platform_order o USING (order_no) WHERE w.business_date = @date"
                : "FROM platform_order o WHERE o.created_at >= @start AND o.created_at < @end")}
            UNION ALL
            SELECT o.order_no, o.created_at, o.paid_at, o.product_type, o.quantity, o.amount, o.currency, o.pay_channel,
                   o.target_account
            FROM platform_order o
            WHERE o.order_no IN (SELECT f.order_no FROM finding f
                                 WHERE f.status = 'open' AND f.business_date < @date
                                   AND f.kind NOT IN ('orphan_charge', 'compensated_but_resolved'))
              AND NOT (o.created_at >= @start AND o.created_at < @end)
        ) scoped
        ORDER BY order_no COLLATE "C"
        """;

    /// <summary>
    /// The money lines of the orders in scope, into the transaction's temporary table <c>evidence_line</c>: payments,
    /// refunds, chargebacks and their reversals naming an order in scope, plus refunds and chargebacks that name only
    /// the payment they reverse (UnionPay S30 carries its own order number and the purchase's 查询流水号): those belong
    /// to that payment's order. Copies of one provider line (an ALL and a REFUND bill, a re-download) stay separate rows
    /// here; the merge counts each (provider, entry type, reference) once.
    /// </summary>
    public static string StageMoneyLines(bool watched) =>
        $"""
        CREATE TEMP TABLE evidence_line ON COMMIT DROP AS
        WITH reversed AS (
            SELECT p.order_no, r.provider, r.entry_type, r.entry_ref, r.provider_txn_id, r.gross, r.occurred_at
            FROM settlement_line r
            JOIN settlement_line p ON p.provider = r.provider AND p.provider_txn_id = r.provider_txn_id AND p.entry_type = 'payment'
            WHERE r.entry_type IN ('refund', 'chargeback', 'chargeback_reversal') AND r.order_no IS DISTINCT FROM p.order_no
        )
        {PerScopePart(watched, ScopeMoneyLinesNamed)}
        UNION ALL
        {PerScopePart(watched, "SELECT r.* FROM reversed r JOIN {scope} USING (order_no)")}
        """;

    private const string ScopeMoneyLinesNamed =
        """
        SELECT s.order_no, s.provider, s.entry_type, s.entry_ref, s.provider_txn_id, s.gross, s.occurred_at
        FROM settlement_line s JOIN {scope} USING (order_no)
        WHERE s.entry_type IN ('payment', 'refund', 'chargeback', 'chargeback_reversal')
        """;

    /// <summary>
    /// Provider lines whose copies name different orders (contradictory files, or a refund whose own order number is
    /// another order in scope): the line counts once, for the first of those orders, with the least of each value over
    /// all its copies. Almost always empty; it is what keeps one charge from being refunded on two orders.
    /// </summary>
    public const string SharedMoneyLines =
        """
        SELECT provider, entry_type, entry_ref, min(order_no), min(provider_txn_id), min(gross), min(occurred_at)
        FROM evidence_line
        GROUP BY provider, entry_type, entry_ref
        HAVING min(order_no) <> max(order_no)
        """;

    /// <summary>The staged money lines in the merge's order.</summary>
    public const string ScopeMoneyLines =
        """
        SELECT order_no, provider, entry_type, entry_ref, provider_txn_id, gross, occurred_at
        FROM evidence_line ORDER BY order_no COLLATE "C"
        """;

    /// <summary>Every delivery row of the orders in scope (copies in several files included), in the merge's order.</summary>
    public static string ScopeDeliveries(bool watched) =>
        $"""
        SELECT * FROM (
            {PerScopePart(watched, ScopeDeliveryRows)}
        ) scoped
        ORDER BY order_no COLLATE "C"
        """;

    private const string ScopeDeliveryRows =
        """
        SELECT d.order_no, d.vendor, d.vendor_order_id, d.target_account, d.quantity, d.status, d.finished_at, d.voucher,
               d.cost, d.file_id
        FROM delivery_event d JOIN {scope} USING (order_no)
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
        -- Lines naming no known order, by anti-join before the grouping: the copies of one provider line name the same
        -- order, and the scanned lines are counted well where the grouped payments were not (a misestimate there made
        -- the anti-join a million index probes; `IS NULL OR NOT EXISTS` before that was a SubPlan).
        unmatched AS (
            SELECT c.* FROM candidate c LEFT JOIN platform_order o ON o.order_no = c.order_no WHERE o.order_no IS NULL
        )
        SELECT provider, min(provider_txn_id) AS provider_txn_id, min(order_no) AS order_no, min(gross) AS gross,
               min(currency) AS currency, min(occurred_at) AS occurred_at
        FROM unmatched
        GROUP BY provider, entry_ref
        ORDER BY provider, min(provider_txn_id)
        """;
}
