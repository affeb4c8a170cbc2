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
    /// For the evidence merge's connections: no parallel workers. Its three or four day-sized statements run side by side
    /// and keep every core busy already; a parallel sort of the day's delivery rows took 1.37 CPU-seconds against 1.08
    /// run by one process (the workers' rows go through a queue to the leader), and a 1 M-order first run's evidence
    /// phase 11.2-11.6 s against 12.5-13.6 s (alternating builds, same inbox).
    /// </summary>
    public const string NoParallelWorkers = "SET LOCAL max_parallel_workers_per_gather = 0";

    /// <summary>
    /// For a merge connection whose statement is a scan and one sort, nothing hashed by the day (the orders; the
    /// delivery rows and the money lines read by range; the staged money lines once their aggregates are done, set on
    /// the staging connection before their sort): PostgreSQL's sort of a million rows runs faster as an external
    /// sort of cache-sized runs than as one quicksort in 128 MB. Alone in psql on a 1 M-order day, three times each:
    /// the orders 0.83-0.92 s against 1.06-1.12 s, the delivery rows 0.77-0.82 against 1.02-1.07, the named money lines
    /// 0.63-0.68 against 1.03-1.05. (The refunds paired by payment hash 4.4 MB of reversal lines at 1 M: twice this,
    /// PostgreSQL's hash limit, holds them to some 3 M orders, and past that they join in batches.)
    /// </summary>
    public const string SortMemory = "SET LOCAL work_mem = '8MB'";

    /// <summary>
    /// For pairing refunds with the payments they reverse (<see cref="ScopeReversedLines"/>): nested loops through the
    /// transaction-id indexes, whichever side is smaller driving, where PostgreSQL chose to hash every reversal line ever
    /// imported and probe it with the scope's payments, a cost that grows with each day stored. Alone in psql, one
    /// process: the 7th day of a 300 k series at 2 % breaks (99,622 reversal lines stored) 1.20-1.47 s hashed against
    /// 0.32 s probing the reversal index once per payment of the date; a 1 M first day 0.52-1.03 s against 0.21-0.40 s
    /// (the 46,681 reversal lines probing the payments' index). <see cref="HashJoinsAgain"/> undoes it.
    /// </summary>
    public const string NoHashJoins = "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off";

    /// <summary>
    /// For a probe that must read through an index (a BRIN one, whose ranges PostgreSQL costs as if the whole table were
    /// read): sequential scans off, and JIT with them, since the disabled plan's cost crosses JIT's threshold (a 10 ms
    /// probe took 0.3 s compiling). In a transaction of its own.
    /// </summary>
    public const string NoSequentialScans = "SET LOCAL enable_seqscan = off; SET LOCAL jit = off";

    /// <summary>Undoes <see cref="NoHashJoins"/> for the statements after it.</summary>
    public const string HashJoinsAgain = "SET LOCAL enable_hashjoin TO DEFAULT; SET LOCAL enable_mergejoin TO DEFAULT";

    /// <summary>
    /// Analyses a run's temporary table (staged findings, the incidents' findings) from a sample of 3,000 rows instead of
    /// 30,000: its plans need its size and a rough spread of its keys, not fine histograms, and at 100k findings the
    /// full sample took 0.12-0.23 s a table (13-18 ms this way), on the finding merge's and the report's critical path.
    /// The setting goes back at once, so that an ANALYZE of a lasting table later in the transaction is not affected.
    /// </summary>
    public static string AnalyzeTemporary(string table) =>
        $"SET LOCAL default_statistics_target = 10; ANALYZE {table}; SET LOCAL default_statistics_target TO DEFAULT;";

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

    /// <summary>
    /// What a run looks at besides the date's orders, read once per run (<see cref="ScopeBounds"/>): the order numbers
    /// with a finding still open from an earlier date, and the least and greatest order number of the date's part.
    /// <para>
    /// The carried-over orders were a join of the open findings with every order ever imported, written out in each of
    /// the four scope queries (0.6-0.8 s apiece on the 7th day of a series); now one anti-join with the date's orders
    /// (a carried-over order was created on another date, so the two parts stay disjoint), sent to the other queries as
    /// an array. Orders are never deleted, so every open finding's order is there to be read. (Written inline into each
    /// statement instead, even as that anti-join, every parallel worker of every statement built it again: a Hash
    /// under a parallel plan is per process. The money lines of that 7th day took 5.6 s so against 3.2 s.)
    /// </para>
    /// <para>
    /// The bounds let the date's evidence be read from the order-number indexes instead of scanning every date's rows:
    /// they only ever leave out rows whose order number lies outside the date's own, so they hold for any numbering.
    /// Where order numbers grow with time (a date or sequence prefix, as platforms number them), the date's rows are one
    /// index range and history costs nothing; where they do not, the range spans the table and PostgreSQL scans it as
    /// before. <c>OFFSET 0</c> keeps PostgreSQL from finding the least order number by walking the primary key from the
    /// first order ever imported.
    /// </para>
    /// <para>
    /// An open finding's order numbered outside the date's bounds cannot be one of the date's orders, so only those inside
    /// are looked up among them (a full look, whose bounds are the date's orders'; a look at the watch list bounds only the
    /// watched ones and looks every one up). Where order numbers grow with time none is inside and the date's orders are
    /// not read a second time: the anti-join hashed the day's million orders to find that none of the 95,667 open
    /// findings' orders was one of them (the second day of a 1 M series, psql, one process, three times each: 0.54-0.59 s
    /// against 0.23-0.28 s for the statement, on the connection whose statements the merge waits for).
    /// </para>
    /// </summary>
    public static string ScopeBounds(bool watched) =>
        $"""
        SELECT bounds.low, bounds.high,
               (SELECT coalesce(array_agg(order_no), ARRAY[]::text[]) FROM (
                    SELECT DISTINCT f.order_no FROM finding f
                    WHERE f.status = 'open' AND f.business_date < @date AND f.order_no IS NOT NULL
                      AND f.kind NOT IN ('orphan_charge', 'compensated_but_resolved')
                      AND ({(watched ? string.Empty : "f.order_no < bounds.low OR f.order_no > bounds.high OR ")}NOT EXISTS (
                          SELECT 1 FROM platform_order o
                          WHERE o.order_no = f.order_no AND o.created_at >= @start AND o.created_at < @end))) carried),
               bounds.orders,
               {Bytewise} AS bytewise
        FROM ({OrderBounds(watched, counted: true)}) bounds
        """;

    /// <summary>Whether the database compares text bytewise, in code point order (<c>datcollate</c> <c>C</c> or <c>POSIX</c>).</summary>
    private const string Bytewise = "(SELECT datcollate IN ('C', 'POSIX') FROM pg_database WHERE datname = current_database())";

    /// <summary>
    /// The merge's order (code point order of the order number) as an <c>ORDER BY</c>. In a database that compares text
    /// bytewise (<c>datcollate</c> <c>C</c>) that is the column's own order, so the order-number indexes can hand the
    /// rows over already sorted, from the first row on, instead of a sort of the day that returns nothing until it has
    /// read everything (alone in psql at 1 M, one process: the date's orders 0.92-1.05 s against 1.52 s, its delivery
    /// rows 0.95 against 1.56 s, its named money lines 0.84-0.98 against 1.39 s); PostgreSQL still picks the plan. In
    /// any other database the order is spelt <c>COLLATE "C"</c>, which no index of the default collation serves.
    /// </summary>
    public static string InMergeOrder(bool bytewise) => bytewise ? "ORDER BY order_no" : "ORDER BY order_no COLLATE \"C\"";

    /// <summary>
    /// PostgreSQL's estimate of the orders numbered between the date's least and greatest order number (every date's,
    /// from the statistics): the date's own count when order numbers grow with time, every order ever imported when
    /// they do not. It decides whether the date's evidence is read by that range alone (<see cref="ScopeDeliveriesByRange"/>,
    /// <see cref="ScopeMoneyLinesByRange"/>).
    /// </summary>
    public const string OrdersInRangeEstimate =
        "EXPLAIN (FORMAT JSON) SELECT 1 FROM platform_order o WHERE o.order_no BETWEEN @low AND @high";

    /// <summary>
    /// The least (<c>low</c>) and greatest (<c>high</c>) order number of the date's orders (or its watch list), one pass
    /// over their index range; see <see cref="ScopeBounds"/>.
    /// </summary>
    public static string OrderBounds(bool watched, bool counted = false) =>
        $"SELECT min(order_no) AS low, max(order_no) AS high{(counted ? ", count(*) AS orders" : string.Empty)} FROM ({DateOrders(watched)} OFFSET 0) date_part";

    /// <summary>
    /// <paramref name="select"/> (which names its rows' table and leaves a <c>{scope}</c> join and a <c>{bound}</c>
    /// predicate to fill) once per part of the scope, as one <c>UNION ALL</c>: the parts are disjoint (a carried-over
    /// order was created on another date). The date's part is joined with the date's orders and bounded by their least
    /// and greatest order number on <paramref name="column"/>, the order number of the rows read; the carried-over part
    /// is <c>column = ANY(@carried)</c>, which PostgreSQL tests by hashing the array, or probes the order-number index
    /// with, whichever costs less. (Joined with <c>unnest(@carried)</c> instead, the planner had no distinct count for
    /// the array's rows and hashed two million settlement lines to probe them with 170 k order numbers.) Without
    /// carried-over orders (<paramref name="carried"/> false) the second part is left out of the statement.
    /// </summary>
    private static string PerScopePart(bool watched, bool carried, string select, string column) =>
        PerScopeParts(carried, select, column, $"JOIN ({DateOrders(watched)}) scope USING (order_no)", $"{column} BETWEEN @low AND @high");

    /// <summary>
    /// <paramref name="select"/> once per part of the scope, as <see cref="PerScopePart"/> but with the date's part read
    /// by its order-number range alone, joined with nothing: its rows may name orders of other dates (or no order) whose
    /// numbers lie in the range, and the merge passes over them, as the orders stream it walks in step has none of them
    /// (<see cref="SortedStream{T}"/>). A carried-over order numbered inside the range is left to its own part
    /// (<paramref name="carriedInRange"/>: there may be one; where every carried-over order lies outside the range, as
    /// when order numbers grow with time, the test of each row against them is left out).
    /// </summary>
    private static string PerScopePartByRange(bool carried, bool carriedInRange, string select, string column) =>
        PerScopeParts(carried, select, column, string.Empty, DateBoundByRange(carriedInRange, column));

    /// <summary>The date's part of a read by range: its order-number range, without the carried-over orders in it.</summary>
    private static string DateBoundByRange(bool carriedInRange, string column) =>
        $"{column} BETWEEN @low AND @high{(carriedInRange ? $" AND {column} <> ALL(@carried)" : string.Empty)}";

    /// <summary>
    /// The date's part of <paramref name="select"/> read by range alone (<see cref="PerScopePartByRange"/>): with orders
    /// carried over, beside their part read as a stream of its own (<see cref="CarriedOrders"/>).
    /// </summary>
    private static string DatePartByRange(bool carriedInRange, string select, string column) =>
        PerScopeParts(carried: false, select, column, string.Empty, DateBoundByRange(carriedInRange, column));

    /// <summary>
    /// The carried-over orders' part of <paramref name="select"/> alone (<c>column = ANY(@carried)</c>); with
    /// <paramref name="probed"/>, for a read whose rows come by the order-number index whatever it costs
    /// (<see cref="CarriedReads"/>), as <see cref="CarriedProbe"/>.
    /// </summary>
    private static string CarriedPart(string select, string column, bool probed = false) =>
        select.Replace("{scope}", string.Empty, StringComparison.Ordinal)
              .Replace("{bound}", probed ? CarriedProbe(column) : $"{column} = ANY(@carried)", StringComparison.Ordinal);

    /// <summary>
    /// <c>column = ANY(@carried)</c> for an index probe, the array out of the planner's sight: given the array as a
    /// constant (a custom plan, or a <c>CREATE TABLE AS</c>, which is planned with its parameters' values), PostgreSQL
    /// estimates the selectivity of each of its elements against the column's statistics, 130-180 ms for the 95,667
    /// orders carried over to the second day of a 1 M series (psql, one process; in the run, three such statements took
    /// 0.36 s, 0.52 s and the staging's share of 0.79 s, side by side with the staging and the date's pairs, before the
    /// merge could start). Behind a scalar subquery the array is a value known at execution only (25 ms to plan): the
    /// index scan takes it as its array key all the same, sorted, and returns the rows in index order. Only where the
    /// scan is an index scan regardless (<see cref="CarriedReads"/>): as a filter the array would then be searched
    /// element by element for every row, where a constant array is hashed.
    /// </summary>
    private static string CarriedProbe(string column) => $"{column} = ANY((SELECT @carried)::text[])";

    /// <summary>
    /// The date's part of <paramref name="select"/> with <paramref name="dateScope"/> and <paramref name="dateBound"/>
    /// filled in, then, with orders carried over, their part (<c>column = ANY(@carried)</c>, joined with nothing).
    /// </summary>
    private static string PerScopeParts(bool carried, string select, string column, string dateScope, string dateBound) =>
        select.Replace("{scope}", dateScope, StringComparison.Ordinal).Replace("{bound}", dateBound, StringComparison.Ordinal)
        + (carried
            ? "\nUNION ALL\n" + CarriedPart(select, column)
            : string.Empty);

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
    public static string ScopeOrders(bool watched, bool carried, bool bytewise) =>
        $"""
        SELECT * FROM (
            SELECT o.order_no, o.created_at, o.paid_at, o.product_type, o.quantity, o.amount, o.currency, o.pay_channel,
                   o.target_account, o.status
            {(watched
                ? "FROM evidence_watch w JOIN platform_order o USING (order_no) WHERE w.business_date = @date"
                : "FROM platform_order o WHERE o.created_at >= @start AND o.created_at < @end AND o.order_no BETWEEN @low AND @high")}
            {(carried
                ? """
                  UNION ALL
                  SELECT o.order_no, o.created_at, o.paid_at, o.product_type, o.quantity, o.amount, o.currency, o.pay_channel,
                         o.target_account, o.status
                  FROM platform_order o WHERE o.order_no = ANY(@carried)
                  """
                : string.Empty)}
        ) scoped
        {InMergeOrder(bytewise)}
        """;

    /// <summary>
    /// The carried-over orders alone, in the merge's order: beside a read by range, the stream that the evidence merge
    /// interleaves with the date's orders (<see cref="ScopeOrders"/> without <c>carried</c>), which then come from their
    /// index in order. In one <c>UNION ALL</c> the two were a sort of the day's orders, as every other stream of the
    /// look was, for which PostgreSQL 15 plans no Merge Append.
    /// </summary>
    public static string CarriedOrders(bool bytewise) =>
        $"""
        SELECT o.order_no, o.created_at, o.paid_at, o.product_type, o.quantity, o.amount, o.currency, o.pay_channel,
               o.target_account, o.status
        FROM platform_order o WHERE {CarriedProbe("o.order_no")}
        {InMergeOrder(bytewise)}
        """;

    /// <summary>
    /// The money lines of the orders in scope, into the transaction's temporary table <c>evidence_line</c>: payments,
    /// refunds, chargebacks and their reversals naming an order in scope, plus refunds and chargebacks that name only
    /// the payment they reverse (UnionPay S30 carries its own order number and the purchase's 查询流水号): those belong
    /// to that payment's order. Copies of one provider line (an ALL and a REFUND bill, a re-download) stay separate rows
    /// here; the merge counts each (provider, entry type, reference) once. The reversal lines are paired with the
    /// payments of each part (the date's bounded by its order numbers, as the named lines are) by nested loops through
    /// the transaction-id indexes into the temporary <c>evidence_paired</c> (<see cref="PairReversedLines"/>), and only
    /// then are the few pairs of the date's part joined with its scope, hash joins allowed again (as the named
    /// lines' join with the date's orders is). They were one CTE pairing every date's payments, read whole by every run
    /// (0.44 s at 1 M); then every reversal line ever imported was hashed and probed with the part's payments (0.18 s on
    /// a 1 M first day, but 1.20-1.47 s on the 7th day of a 300 k series, growing with each day stored).
    /// </summary>
    public static string StageMoneyLines(bool watched, bool carried) =>
        $"""
        CREATE TEMP TABLE evidence_line ON COMMIT DROP AS
        {PerScopePart(watched, carried, ScopeMoneyLinesNamed, "s.order_no")};
        {PairReversedLines(carried, carriedInRange: carried)}
        -- The date's pairs joined with its scope only now, hash joins allowed: with them off, a join of many pairs with
        -- the watch list (no index on its order numbers) would compare every pair with every watched order. The date's
        -- part leaves the carried-over orders to theirs (PerScopePartByRange), and no order of the date is carried over.
        INSERT INTO evidence_line
        SELECT r.order_no, r.provider, r.entry_type, r.entry_ref, r.provider_txn_id, r.gross, r.occurred_at
        FROM evidence_paired r JOIN ({DateOrders(watched)}) scope USING (order_no)
        UNION ALL
        SELECT r.order_no, r.provider, r.entry_type, r.entry_ref, r.provider_txn_id, r.gross, r.occurred_at
        FROM evidence_paired r WHERE r.order_no = ANY(@carried);
        """;

    /// <summary>
    /// Refunds and chargebacks paired with the payment they reverse (the part's payments, <c>{bound}</c>), where the two
    /// name different orders, with the reversal line's file after its own columns. Never joined with a scope here: the
    /// staging joins the date's pairs with its scope afterwards (<see cref="StageMoneyLines"/>), and a read by range
    /// passes over the pairs of other orders.
    /// </summary>
    private static readonly string ScopeReversedLines = ReversedLinesOf("settlement_line");

    /// <summary><see cref="ScopeReversedLines"/> with the payments (<c>p</c>) read from <paramref name="payments"/>.</summary>
    private static string ReversedLinesOf(string payments) =>
        $$"""
        SELECT p.order_no, r.provider, r.entry_type, r.entry_ref, r.provider_txn_id, r.gross, r.occurred_at, r.file_id
        FROM {{payments}} p
        JOIN settlement_line r ON r.provider = p.provider AND r.provider_txn_id = p.provider_txn_id
        WHERE p.entry_type = 'payment' AND {bound}
          AND r.entry_type IN ('refund', 'chargeback', 'chargeback_reversal') AND r.order_no IS DISTINCT FROM p.order_no
        """;

    private static readonly string ScopeMoneyLinesNamed = ScopeMoneyLinesNamedWith(string.Empty);

    /// <summary><see cref="ScopeMoneyLinesNamed"/> with <paramref name="extra"/> columns of the line after its own.</summary>
    private static string ScopeMoneyLinesNamedWith(string extra) =>
        $$"""
        SELECT s.order_no, s.provider, s.entry_type, s.entry_ref, s.provider_txn_id, s.gross, s.occurred_at{{extra}}
        FROM settlement_line s {scope}
        WHERE s.entry_type IN ('payment', 'refund', 'chargeback', 'chargeback_reversal') AND {bound}
        """;

    /// <summary>
    /// Provider lines whose copies name different orders (contradictory files, or a refund whose own order number is
    /// another order in scope): the line counts once, for the first of those orders, with the least of each value over
    /// all its copies. Almost always empty; it is what keeps one charge from being refunded on two orders. Only lines
    /// with more than one copy can be shared, so those are found first by their keys alone and only their rows are
    /// grouped with every value: grouping every staged line with its values needed 250 MB of hash table and spilled
    /// to disk at a million lines (1.5 s, before the merge can start; 0.9 s this way).
    /// </summary>
    public const string SharedMoneyLines =
        """
        SELECT e.provider, e.entry_type, e.entry_ref, min(e.order_no), min(e.provider_txn_id), min(e.gross), min(e.occurred_at)
        FROM evidence_line e
        JOIN (SELECT provider, entry_type, entry_ref FROM evidence_line
              GROUP BY provider, entry_type, entry_ref HAVING count(*) > 1) copied USING (provider, entry_type, entry_ref)
        GROUP BY e.provider, e.entry_type, e.entry_ref
        HAVING min(e.order_no) <> max(e.order_no)
        """;

    /// <summary>
    /// The date's money lines of <see cref="StageMoneyLines"/> that name their order, read by range
    /// (<see cref="DatePartByRange"/>), straight in the merge's order: nothing staged, the date's lines not joined with
    /// its orders. The refunds paired with their payment, and the carried-over orders' lines, are
    /// <see cref="ScopeReversedLinesByRange"/>.
    /// </summary>
    public static string ScopeMoneyLinesByRange(bool carriedInRange, bool bytewise) =>
        $"""
        SELECT * FROM (
            {NamedLinesByRange(carriedInRange)}
        ) scoped
        {InMergeOrder(bytewise)}
        """;

    /// <summary>
    /// The refunds and chargebacks of <see cref="StageMoneyLines"/> that belong to the order of the payment they
    /// reverse (a few: the rest name their own order), paired once by <see cref="PairReversedLines"/>, in the
    /// merge's order, as a stream of their own. In one <c>UNION ALL</c> with the named lines the two were a sort of the
    /// day's lines: PostgreSQL 15 plans no Merge Append for it, so the named lines could not come from their index in
    /// order (the statement 1.39 s with its sort, the named lines alone 0.84-0.98 s by index, psql at 1 M).
    /// <para>
    /// With orders carried over (<paramref name="carried"/>) the stream also holds their named lines, staged by
    /// <see cref="StageCarriedLines"/> and sorted here with the pairs (as many as the carried-over orders have, not the
    /// day's): the date's named lines leave them out.
    /// </para>
    /// </summary>
    public static string ScopeReversedLinesByRange(bool carried, bool bytewise) =>
        $"""
        SELECT * FROM (
            SELECT order_no, provider, entry_type, entry_ref, provider_txn_id, gross, occurred_at FROM evidence_paired
            {(carried
                ? "UNION ALL\n    SELECT order_no, provider, entry_type, entry_ref, provider_txn_id, gross, occurred_at FROM carried_line"
                : string.Empty)}
        ) scoped
        {InMergeOrder(bytewise)}
        """;

    /// <summary>
    /// The carried-over orders' named money lines, with each line's file, into the temporary <c>carried_line</c> (read
    /// once: <see cref="SharedMoneyLinesByRange"/> reads it beside the date's lines three times, then
    /// <see cref="ScopeReversedLinesByRange"/> in the merge's order), analysed. Read by the order-number index, never
    /// by a scan of every date's lines (<see cref="CarriedReads"/>).
    /// </summary>
    public static readonly string StageCarriedLines =
        $"""
        SET LOCAL enable_seqscan = off;
        CREATE TEMP TABLE carried_line ON COMMIT DROP AS
        {CarriedPart(ScopeMoneyLinesNamedWith(", s.file_id"), "s.order_no", probed: true)};
        SET LOCAL enable_seqscan TO DEFAULT;
        {AnalyzeTemporary("carried_line")}
        """;

    /// <summary>
    /// For the carried-over orders' reads (<see cref="CarriedOrders"/>, <see cref="CarriedDeliveries"/>,
    /// <see cref="StageCarriedLines"/>): their rows by the order-number indexes, probed with the array in its order, so
    /// that they cost what the carried-over orders hold and not what every earlier date stored, and come sorted. Costed,
    /// PostgreSQL scanned every date's rows with the array as a hashed filter and sorted what it kept (the second day of a
    /// 1 M series, 95,667 orders carried over, psql alternating: delivery rows 0.53-0.55 s against 0.34-0.38 s by the
    /// index, money lines 0.50-0.55 s against 0.32-0.40 s), a cost that grows with every day stored.
    /// </summary>
    public const string CarriedReads = "SET LOCAL enable_seqscan = off";

    /// <summary>
    /// Pairs the date's refunds with the payment they reverse, read by range (and, with <paramref name="carried"/>, the
    /// carried-over orders' in a part of their own), into the temporary <c>evidence_paired</c> with each reversal line's
    /// file, by nested loops (<see cref="NoHashJoins"/>). Read by range, <see cref="SharedMoneyLinesByRange"/> and then
    /// <see cref="ScopeReversedLinesByRange"/> read it on the same connection (each of the two had paired them on its
    /// own, side by side on two connections, before the merge could start: 0.8 s each at 1 M); staged, it is joined with
    /// the date's scope (<see cref="StageMoneyLines"/>). Read by range with orders carried over, the carried-over orders'
    /// payments come from <c>carried_line</c> instead (<see cref="PairCarriedReversedLines"/>, after
    /// <see cref="StageCarriedLines"/>), each probed in the reversal lines' index, not an array test over every date's
    /// payments (the 7th day of a 300 k series, psql: 0.19-0.23 s against 0.85-0.89 s), and the date's pairs are
    /// <see cref="DatePairs"/>, read beside the staging.
    /// </summary>
    public static string PairReversedLines(bool carried, bool carriedInRange) =>
        $"""
        {PairedInto(PerScopePartByRange(carried, carriedInRange, ScopeReversedLines, "p.order_no"))};
        {AnalyzeTemporary("evidence_paired")}
        """;

    /// <summary>The temporary <c>evidence_paired</c> created from the pairs <paramref name="pairs"/> selects, by nested loops.</summary>
    private static string PairedInto(string pairs) =>
        $"""
        {NoHashJoins};
        CREATE TEMP TABLE evidence_paired ON COMMIT DROP AS
        {pairs};
        {HashJoinsAgain}
        """;

    /// <summary>
    /// The date's part of <see cref="PairReversedLines"/> alone, as rows: with orders carried over it is read on a connection
    /// of its own (<see cref="NoHashJoins"/>) while <see cref="StageCarriedLines"/> stages theirs, and its rows are copied
    /// into the <c>evidence_paired</c> that <see cref="PairCarriedReversedLines"/> creates. It reads only the date's payments
    /// and the reversal lines, not <c>carried_line</c>.
    /// </summary>
    public static string DatePairs(bool carriedInRange) => DatePartByRange(carriedInRange, ScopeReversedLines, "p.order_no");

    /// <summary>
    /// <see cref="PairReversedLines"/>' carried-over part alone (payments from <c>carried_line</c>) into the temporary
    /// <c>evidence_paired</c>; the date's pairs (<see cref="DatePairs"/>) are copied in after it, then the table analysed.
    /// </summary>
    public static readonly string PairCarriedReversedLines =
        PairedInto(ReversedLinesOf("carried_line").Replace("{bound}", "true", StringComparison.Ordinal));

    /// <summary>The columns of <c>evidence_paired</c>, as <see cref="DatePairs"/> reads them and a COPY writes them.</summary>
    public const string PairedColumns = "order_no, provider, entry_type, entry_ref, provider_txn_id, gross, occurred_at, file_id";

    /// <summary>The date's named money lines read by range, with <paramref name="extra"/> columns after their own.</summary>
    private static string NamedLinesByRange(bool carriedInRange, string extra = "") =>
        DatePartByRange(carriedInRange, ScopeMoneyLinesNamedWith(extra), "s.order_no");

    /// <summary>
    /// The provider and entry type pairs whose lines in the date's range (<c>named</c>) can hold copies of one provider
    /// line, found by a pass over those lines: lines from two files or more, or from a file that holds copies within itself
    /// or is not known not to (<c>imported_file.copies_within</c>, migration 0025).
    /// </summary>
    internal const string SuspectPairsByLines =
        """
        SELECT source.provider, source.entry_type FROM (
                SELECT provider, entry_type, file_id FROM named GROUP BY provider, entry_type, file_id
            ) source
            LEFT JOIN imported_file f USING (file_id)
            GROUP BY source.provider, source.entry_type
            HAVING count(*) > 1 OR bool_or(f.copies_within IS NOT FALSE)
        """;

    /// <summary>
    /// <see cref="SuspectPairsByLines"/> from the settlement files instead of their lines (migration 0032): the pairs held
    /// by two files or more, or by a file marked <c>copies_within</c> (or not known not to), among the files one of whose
    /// order-number prefixes can begin a number of the date's range (a prefix <c>p</c> can when <c>p &lt;= @high</c> and
    /// the range's least number begins with <c>p</c> or less: every number that begins with <c>p</c> is at least <c>p</c>,
    /// and the range's numbers begin with what lies between the prefixes of its bounds). A file counted that holds no line
    /// in the range can only make a pair suspect, which costs a grouping of that pair's keys, never a copy missed; so only
    /// where the prefixes' order is the range's (a database that compares bytewise). The pass over the date's lines took
    /// 0.36 s at 1 M orders, on the connection whose statements the merge waits for. While a file imported before the
    /// migration holds lines (no pairs kept) the pass is made as before.
    /// </summary>
    internal const string SuspectPairsByFiles =
        $"""
        SELECT split_part(pair, E'\x1f', 1) AS provider, split_part(pair, E'\x1f', 2) AS entry_type
            FROM imported_file f CROSS JOIN LATERAL unnest(f.line_pairs) pair
            WHERE f.kind = 'settlement' AND f.status = 'imported'
              AND EXISTS (SELECT FROM unnest(f.line_order_prefixes) p WHERE p <= @high AND left(@low, length(p)) <= p)
            GROUP BY pair
            HAVING count(*) > 1 OR bool_or(f.copies_within IS NOT FALSE)
            UNION ALL
            SELECT * FROM ({SuspectPairsByLines}) by_lines
            WHERE EXISTS (SELECT FROM imported_file f
                          WHERE f.kind = 'settlement' AND f.status = 'imported' AND f.rows_imported > 0 AND f.line_pairs IS NULL)
        """;

    /// <summary>
    /// <see cref="SharedMoneyLines"/> for a read by range: the copies of every provider line among the lines read whose
    /// copies name different order numbers, each copy with whether its order is in scope (of the date, or carried over:
    /// the range also holds other orders' lines). The merge keeps the copies of the orders in scope and calls a line
    /// shared when they still name two orders (<see cref="SharedMoneyLine"/>). Only the differing ones' copies are probed
    /// for their order. The refunds paired with their payment come from <c>evidence_paired</c>
    /// (<see cref="PairReversedLines"/>), and with <paramref name="carried"/> the carried-over orders' lines from
    /// <c>carried_line</c> (<see cref="StageCarriedLines"/>): the few lines read beside the date's range.
    /// <para>
    /// Keys with more than one copy are looked for only where copies can be: among the date's lines of the provider and
    /// entry type pairs whose lines read come from two files or more, or from a file that holds copies within itself or
    /// is not known not to (<c>imported_file.copies_within</c>, migration 0025) — with <paramref name="byFiles"/> found
    /// from the files one of whose order-number prefixes can begin a number of the range (<see cref="SuspectPairsByFiles"/>,
    /// migration 0032), else by one pass grouping the lines by pair and file, a handful of groups — and, for the few lines
    /// read beside the range, among their own keys and the date's lines with one of those keys (their keys hashed, the
    /// date's lines probed). Grouping every key read (a million at 1 M orders, 170 MB of hash table) took 2.8-3.5 s before
    /// the merge could start, where a day of one file per provider found none; this way 1.1-2.3 s (alone in psql,
    /// alternating, the same day). A key with two copies among the date's lines has them in one file (which the import
    /// marks) or in two; one with a copy among the few is found by their keys. So the few lines' files do not make a pair
    /// suspect: counted with the date's, the carried-over orders' lines (files of earlier dates) made every pair suspect
    /// and the statement grouped every key of the day again (2.19 s on the second day of a 1 M series).
    /// </para>
    /// </summary>
    public static string SharedMoneyLinesByRange(bool carried, bool carriedInRange, bool byFiles) =>
        $"""
        WITH few AS (
            SELECT order_no, provider, entry_type, entry_ref, provider_txn_id, gross, occurred_at, file_id FROM evidence_paired
            {(carried
                ? "UNION ALL\n    SELECT order_no, provider, entry_type, entry_ref, provider_txn_id, gross, occurred_at, file_id FROM carried_line"
                : string.Empty)}
        ),
        named AS NOT MATERIALIZED (
            {NamedLinesByRange(carriedInRange, ", s.file_id")}
        ),
        suspect AS MATERIALIZED (
            {(byFiles ? SuspectPairsByFiles : SuspectPairsByLines)}
        ),
        copied AS (
            -- A filter against the few pairs, not a join: joined, the planner misjudged the pairs and sorted every line
            -- read by provider and entry type for a merge join (118 MB at 1 M) whenever one pair was suspect. With no
            -- pair suspect the scan is not started (a one-time filter).
            SELECT provider, entry_type, entry_ref FROM named
            WHERE EXISTS (SELECT FROM suspect)
              AND provider || E'\x1f' || entry_type = ANY (ARRAY(SELECT provider || E'\x1f' || entry_type FROM suspect))
            GROUP BY provider, entry_type, entry_ref HAVING count(*) > 1
            UNION
            SELECT provider, entry_type, entry_ref FROM (
                SELECT provider, entry_type, entry_ref
                FROM named JOIN (SELECT DISTINCT provider, entry_type, entry_ref FROM few) key USING (provider, entry_type, entry_ref)
                UNION ALL
                SELECT provider, entry_type, entry_ref FROM few
            ) line
            GROUP BY provider, entry_type, entry_ref HAVING count(*) > 1
        ),
        copies AS MATERIALIZED (
            SELECT line.* FROM (
                SELECT order_no, provider, entry_type, entry_ref, provider_txn_id, gross, occurred_at FROM named
                UNION ALL
                SELECT order_no, provider, entry_type, entry_ref, provider_txn_id, gross, occurred_at FROM few
            ) line JOIN copied USING (provider, entry_type, entry_ref)
        )
        SELECT c.provider, c.entry_type, c.entry_ref, c.order_no, c.provider_txn_id, c.gross, c.occurred_at,
               EXISTS (SELECT 1 FROM platform_order o
                       WHERE o.order_no = c.order_no AND o.created_at >= @start AND o.created_at < @end)
               {(carried ? "OR c.order_no = ANY(@carried)" : string.Empty)} AS in_scope
        FROM copies c
        JOIN (SELECT provider, entry_type, entry_ref FROM copies
              GROUP BY provider, entry_type, entry_ref HAVING min(order_no) <> max(order_no)) differing
          USING (provider, entry_type, entry_ref)
        """;

    /// <summary>
    /// The date's delivery rows of <see cref="ScopeDeliveries"/> read by range (<see cref="DatePartByRange"/>), from
    /// their index in order; the carried-over orders' are <see cref="CarriedDeliveries"/>.
    /// </summary>
    public static string ScopeDeliveriesByRange(bool carriedInRange, bool bytewise) =>
        $"""
        SELECT * FROM (
            {DatePartByRange(carriedInRange, ScopeDeliveryRows, "d.order_no")}
        ) scoped
        {InMergeOrder(bytewise)}
        """;

    /// <summary>The carried-over orders' delivery rows, beside a read by range, in the merge's order (<see cref="CarriedOrders"/>).</summary>
    public static string CarriedDeliveries(bool bytewise) =>
        $"""
        SELECT * FROM (
            {CarriedPart(ScopeDeliveryRows, "d.order_no", probed: true)}
        ) scoped
        {InMergeOrder(bytewise)}
        """;

    /// <summary>The staged money lines in the merge's order.</summary>
    public static string ScopeMoneyLines(bool bytewise) =>
        $"""
        SELECT order_no, provider, entry_type, entry_ref, provider_txn_id, gross, occurred_at
        FROM evidence_line {InMergeOrder(bytewise)}
        """;

    /// <summary>Every delivery row of the orders in scope (copies in several files included), in the merge's order.</summary>
    public static string ScopeDeliveries(bool watched, bool carried, bool bytewise) =>
        $"""
        SELECT * FROM (
            {PerScopePart(watched, carried, ScopeDeliveryRows, "d.order_no")}
        ) scoped
        {InMergeOrder(bytewise)}
        """;

    private const string ScopeDeliveryRows =
        """
        SELECT d.order_no, d.vendor, d.vendor_order_id, d.target_account, d.quantity, d.status, d.finished_at, d.voucher,
               d.cost, d.file_id
        FROM delivery_event d {scope}
        WHERE {bound}
        """;

    /// <summary>
    /// Whether the date's payments naming no known order are kept (<c>orphan_payment_cache</c>, migration 0019) from the
    /// same imported files and bounds.
    /// </summary>
    public const string OrphanPaymentsCached =
        "SELECT EXISTS (SELECT 1 FROM orphan_payment_stamp WHERE business_date = @date AND inputs = @inputs AND bounds = @bounds)";

    /// <summary>
    /// Keeps the distinct payments of the date that name no known order in <c>orphan_payment_cache</c>, one row per
    /// provider line (the least of each column over its copies), with the stamp of the files read before it. In two
    /// steps: the date's payments are anti-joined with the date's orders (hashed, from their <c>created_at</c> range),
    /// then the few left (orphans, and payments of orders created on another date: a payment just after midnight) are
    /// each probed in the orders' primary key. The date's orders are the few to hash whatever the numbering and the
    /// history: the anti-join with every order numbered between the least and greatest order number the date's files
    /// name (migration 0016, dropped by 0027) hashed three days of orders on the 7th day of a 300 k series, where an
    /// orphan's made-up number or a late payment widened the bounds (0.78-0.80 s against 0.31-0.33 s this way, psql,
    /// one process; a 1 M first day 1.10-1.14 s against 1.05-1.10 s). The first step is a materialised CTE so that the
    /// planner cannot turn the order of the two round (it hashed every order ever imported first), and the probe's
    /// <c>OFFSET 0</c> keeps it a per-row probe of the few rows left instead of another join.
    /// </summary>
    public const string KeepOrphanPayments =
        """
        DELETE FROM orphan_payment_cache WHERE business_date = @date;
        WITH not_of_the_date AS MATERIALIZED (
            -- Lines naming no order of the date, by anti-join before the grouping: the copies of one provider line name
            -- the same order, and the scanned lines are counted well where the grouped payments were not (a misestimate
            -- there made the anti-join a million index probes; `IS NULL OR NOT EXISTS` before that was a SubPlan).
            SELECT c.provider, c.entry_ref, c.provider_txn_id, c.order_no, c.gross, c.currency, c.occurred_at
            FROM settlement_line c
            WHERE c.entry_type = 'payment' AND c.occurred_at >= @start AND c.occurred_at < @end
              AND NOT EXISTS (SELECT 1 FROM platform_order o
                              WHERE o.order_no = c.order_no AND o.created_at >= @start AND o.created_at < @end)
        )
        INSERT INTO orphan_payment_cache (business_date, provider, entry_ref, provider_txn_id, order_no, gross, currency, occurred_at)
        SELECT @date, c.provider, c.entry_ref, min(c.provider_txn_id), min(c.order_no), min(c.gross), min(c.currency), min(c.occurred_at)
        FROM not_of_the_date c
        WHERE NOT EXISTS (SELECT 1 FROM platform_order o WHERE o.order_no = c.order_no OFFSET 0)
        GROUP BY c.provider, c.entry_ref;
        INSERT INTO orphan_payment_stamp (business_date, inputs, bounds) VALUES (@date, @inputs, @bounds)
        ON CONFLICT (business_date) DO UPDATE SET inputs = EXCLUDED.inputs, bounds = EXCLUDED.bounds, read_at = now();
        """;

    /// <summary>
    /// Distinct payments of the date (kept by <see cref="KeepOrphanPayments"/>) and payments of orphans still open from
    /// earlier dates that name no known order, one per provider line. The least of each column over a line's copies is
    /// the least of the kept least and the earlier date's copies, so a line with copies on both sides comes out as if
    /// it were grouped in one step.
    /// </summary>
    public const string OrphanPayments =
        """
        WITH unmatched AS (
            SELECT c.provider, c.provider_txn_id, c.entry_ref, c.order_no, c.gross, c.currency, c.occurred_at
            FROM orphan_payment_cache c WHERE c.business_date = @date
            UNION ALL
            -- The few open orphans of earlier dates, probed one by one (their order numbers lie outside the date's).
            SELECT s.provider, s.provider_txn_id, s.entry_ref, s.order_no, s.gross, s.currency, s.occurred_at
            FROM finding f
            JOIN settlement_line s ON s.provider = f.provider AND s.provider_txn_id = f.provider_txn_id AND s.entry_type = 'payment'
            WHERE f.kind = 'orphan_charge' AND f.status = 'open' AND f.business_date < @date
              AND NOT EXISTS (SELECT 1 FROM platform_order o WHERE o.order_no = s.order_no)
        )
        SELECT provider, min(provider_txn_id) AS provider_txn_id, min(order_no) AS order_no, min(gross) AS gross,
               min(currency) AS currency, min(occurred_at) AS occurred_at
        FROM unmatched
        GROUP BY provider, entry_ref
        ORDER BY provider, min(provider_txn_id)
        """;
}
