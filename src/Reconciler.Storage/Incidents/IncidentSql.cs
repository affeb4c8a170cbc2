using Reconciler.Storage.Reconciliation;

namespace Reconciler.Storage.Incidents;

/// <summary>
/// The statements that group a run's findings into incidents. Candidate groups and their findings are staged in
/// temporary tables; each finding then stays with its most specific cause (rank), and groups too small to be an
/// incident are dropped. Everything reads the run's own findings (run_finding by run id) and the date's evidence.
/// </summary>
internal static class IncidentSql
{
    /// <summary>
    /// The findings of the date that are still breaks and name an order, of the run the parameter <paramref name="run"/>
    /// names: the ones its incidents group (<see cref="CurrentFindings"/>) and its <see cref="FindingsDigest"/> covers.
    /// </summary>
    private static string CurrentOf(string run) =>
        $"run_finding rf WHERE rf.run_id = {run} AND rf.change <> 'resolved' AND rf.business_date = @date AND rf.order_no IS NOT NULL";

    public const string Stage =
        """
        DELETE FROM incident_finding WHERE run_id = @runId;
        DELETE FROM incident WHERE run_id = @runId;
        CREATE TEMP TABLE incident_group (
            grp_key text PRIMARY KEY, kind text NOT NULL, vendor text, provider text,
            from_at timestamptz NOT NULL, to_at timestamptz NOT NULL, detail text NOT NULL, rank int NOT NULL
        ) ON COMMIT DROP;
        CREATE TEMP TABLE incident_member (grp_key text NOT NULL, finding_id text NOT NULL, rank int NOT NULL) ON COMMIT DROP;
        CREATE TEMP TABLE incident_order (grp_key text NOT NULL, order_no text NOT NULL) ON COMMIT DROP;
        """;

    /// <summary>
    /// vendor_down: a vendor's attempts on the date's orders in time order, its failures clustered — a new cluster
    /// wherever a failure comes more than @gapFactor times the vendor's mean gap between attempts (at least
    /// @minGapSeconds) after the previous failure. A cluster is an outage when it failed at least @minFindings orders
    /// and at least @minFailedShare of the attempts the vendor made in the minutes from its first to its last failure.
    /// The day's attempts are read once and only counted per minute; only the failures are sorted.
    /// </summary>
    public const string Attempts =
        """
        -- One pass over the date's attempts: each vendor's attempts per minute, and its failures one by one.
        WITH attempt AS MATERIALIZED (
            SELECT d.vendor, d.finished_at AS at, d.status = 'failed' AS failed, d.order_no
            FROM platform_order o JOIN delivery_event d ON d.order_no = o.order_no
            WHERE o.created_at >= @start AND o.created_at < @end AND d.finished_at IS NOT NULL AND d.status IN ('success', 'failed')
              -- The date's delivery rows from the order-number index where numbers grow with time, instead of a scan of
              -- every date's rows (EvidenceSql.OrderBounds; the bounds leave out no row of the date's orders).
              AND d.order_no BETWEEN @low AND @high
        ),
        failures AS (
            INSERT INTO incident_failure (vendor, at, order_no) SELECT vendor, at, order_no FROM attempt WHERE failed
        ),
        -- The date's vendor orders still in flight (every event of them processing), the least vendor per order, for
        -- risk_hold: only orders with a row still in flight can have one (delivery_event_in_flight).
        in_flight AS (
            INSERT INTO incident_in_flight (order_no, vendor)
            SELECT order_no, min(vendor) FROM (
                SELECT d.order_no, d.vendor
                FROM platform_order o JOIN delivery_event d ON d.order_no = o.order_no
                WHERE o.created_at >= @start AND o.created_at < @end AND d.order_no BETWEEN @low AND @high
                  AND d.order_no IN (SELECT p.order_no FROM delivery_event p WHERE p.status = 'processing')
                GROUP BY d.order_no, d.vendor, d.vendor_order_id HAVING bool_and(d.status = 'processing')
            ) v
            GROUP BY order_no
        )
        INSERT INTO incident_minute (vendor, minute, attempts)
        SELECT vendor, date_trunc('minute', at), count(*) FROM attempt GROUP BY 1, 2;
        """;

    /// <summary>The tables <see cref="Attempts"/> fills.</summary>
    public const string AttemptTables =
        """
        CREATE TEMP TABLE incident_minute (vendor text NOT NULL, minute timestamptz NOT NULL, attempts bigint NOT NULL) ON COMMIT DROP;
        CREATE TEMP TABLE incident_failure (vendor text NOT NULL, at timestamptz NOT NULL, order_no text NOT NULL) ON COMMIT DROP;
        CREATE TEMP TABLE incident_in_flight (order_no text NOT NULL, vendor text NOT NULL) ON COMMIT DROP;
        """;

    /// <summary>Whether the attempts were kept for the date from the same imported files and bounds (migration 0013).</summary>
    public const string AttemptsCached =
        "SELECT EXISTS (SELECT 1 FROM incident_attempts_stamp WHERE business_date = @date AND inputs = @inputs AND bounds = @bounds)";

    /// <summary>The kept attempts of the date, instead of <see cref="Attempts"/>.</summary>
    public const string AttemptsFromCache =
        """
        INSERT INTO incident_minute (vendor, minute, attempts)
        SELECT vendor, minute, attempts FROM incident_minute_cache WHERE business_date = @date;
        INSERT INTO incident_failure (vendor, at, order_no)
        SELECT vendor, at, order_no FROM incident_failure_cache WHERE business_date = @date;
        INSERT INTO incident_in_flight (order_no, vendor)
        SELECT order_no, vendor FROM incident_in_flight_cache WHERE business_date = @date;
        """;

    /// <summary>Keeps what <see cref="Attempts"/> read, with the stamp of the files read before it (committed with the run's incidents).</summary>
    public const string KeepAttempts =
        """
        DELETE FROM incident_minute_cache WHERE business_date = @date;
        DELETE FROM incident_failure_cache WHERE business_date = @date;
        DELETE FROM incident_in_flight_cache WHERE business_date = @date;
        INSERT INTO incident_in_flight_cache (business_date, order_no, vendor)
        SELECT @date, order_no, vendor FROM incident_in_flight;
        INSERT INTO incident_minute_cache (business_date, vendor, minute, attempts)
        SELECT @date, vendor, minute, attempts FROM incident_minute;
        INSERT INTO incident_failure_cache (business_date, vendor, at, order_no)
        SELECT @date, vendor, at, order_no FROM incident_failure;
        INSERT INTO incident_attempts_stamp (business_date, inputs, bounds) VALUES (@date, @inputs, @bounds)
        ON CONFLICT (business_date) DO UPDATE SET inputs = EXCLUDED.inputs, bounds = EXCLUDED.bounds, read_at = now();
        """;

    /// <summary>
    /// The rest of vendor_down up to its windows and their orders, from the attempts <see cref="Attempts"/> staged:
    /// evidence only, so it runs before the run's findings are committed, beside the finding merge (0.4–0.6 s at 1 M
    /// orders that used to follow the merge). <see cref="VendorDownMembers"/> finds the run's findings in the windows.
    /// </summary>
    public const string VendorDownGroups =
        """
        WITH typical AS (
            SELECT vendor, extract(epoch FROM max(minute) - min(minute) + interval '1 minute') / greatest(sum(attempts), 1) AS mean_gap
            FROM incident_minute GROUP BY vendor HAVING sum(attempts) > 1
        ),
        failure AS (
            SELECT f.vendor, f.at, f.order_no,
                   CASE WHEN extract(epoch FROM f.at - lag(f.at) OVER (PARTITION BY f.vendor ORDER BY f.at))
                             <= greatest(t.mean_gap * @gapFactor, @minGapSeconds) THEN 0 ELSE 1 END AS starts
            FROM incident_failure f JOIN typical t USING (vendor)
        ),
        marked AS (
            SELECT vendor, at, order_no, sum(starts) OVER (PARTITION BY vendor ORDER BY at ROWS UNBOUNDED PRECEDING) AS cluster
            FROM failure
        ),
        win AS (
            SELECT vendor, cluster, min(at) AS from_at, max(at) AS to_at, count(DISTINCT order_no) AS failed_orders,
                   count(*) AS failed_attempts
            FROM marked GROUP BY vendor, cluster
            HAVING count(DISTINCT order_no) >= @minFindings
        ),
        share AS (
            -- The attempts within the window, from the per-minute counts (whole minutes at its two ends): bounded by
            -- the minutes of a day per cluster, whatever the day's size.
            SELECT w.vendor, w.cluster, w.from_at, w.to_at, w.failed_orders, w.failed_attempts, sum(m.attempts) AS attempts
            FROM win w JOIN incident_minute m
              ON m.vendor = w.vendor AND m.minute >= date_trunc('minute', w.from_at) AND m.minute <= date_trunc('minute', w.to_at)
            GROUP BY w.vendor, w.cluster, w.from_at, w.to_at, w.failed_orders, w.failed_attempts
        ),
        grp AS (
            INSERT INTO incident_group (grp_key, kind, vendor, provider, from_at, to_at, detail, rank)
            SELECT 'vendor_down:' || vendor || ':' || cluster, 'vendor_down', vendor, NULL, from_at, to_at,
                   failed_attempts || ' of the ' || attempts || ' deliveries ' || vendor || ' attempted in this window failed ('
                     || failed_orders || ' orders)', 1
            FROM share WHERE failed_attempts >= @minFailedShare * attempts
            RETURNING grp_key
        )
        INSERT INTO incident_order (grp_key, order_no)
        SELECT DISTINCT g.grp_key, c.order_no
        FROM grp g JOIN marked c ON 'vendor_down:' || c.vendor || ':' || c.cluster = g.grp_key;
        """;

    /// <summary>
    /// The run's current findings of the date, staged once and analysed for <see cref="VendorDownMembers"/> and
    /// <see cref="OtherCauses"/>: the run's rows in run_finding are newer than its statistics, so joined straight from it
    /// the planner counted one finding and probed the orders' key for each of 100k (2.1 s at 1 M, on the report's
    /// critical path); counted, it hashes them against the orders when the orders are few enough, and probes by index
    /// when every date's are many. (vendor_down's members read run_finding again by run id before.)
    /// </summary>
    public static readonly string CurrentFindings =
        $"""
        CREATE TEMP TABLE incident_current_finding ON COMMIT DROP AS
        SELECT rf.finding_id, rf.order_no, rf.provider, rf.kind, rf.charged_amount FROM {CurrentOf("@runId")};
        {EvidenceSql.AnalyzeTemporary("incident_current_finding")}
        """;

    /// <summary>The run's current findings of the date on the orders of each vendor_down window (<see cref="VendorDownGroups"/>).</summary>
    public const string VendorDownMembers =
        """
        INSERT INTO incident_member (grp_key, finding_id, rank)
        SELECT DISTINCT io.grp_key, f.finding_id, 1
        FROM incident_order io JOIN incident_current_finding f ON f.order_no = io.order_no;
        """;

    /// <summary>
    /// callback_failure (rank 2): settled payments for orders the platform marked failed although no vendor was ever
    /// asked to deliver them (a failed delivery explains a failed order by itself), per provider.
    /// risk_hold (rank 3): orders with a vendor order still in flight past the hold limit, per vendor.
    /// settlement_missing (rank 4): each provider whose file is missing or rejected, with the findings waiting on it.
    /// </summary>
    public static readonly string OtherCauses =
        $"""
        -- The run's current findings of the date (CurrentFindings) with their orders, analysed: first from the date's
        -- watch list (the orders that could still break, with their status and whether any delivery row names them,
        -- migration 0022) when the full look that kept it read the files imported now: a hash join of the day's
        -- findings with its watched orders (147 k of 1 M at 10 % breaks) instead of all its orders; then the findings
        -- whose order the list does not keep (a finding the rules did not raise, an orphan's unknown order, a list kept
        -- before 0022, files imported since) with platform_order, as before (index probes when they are few).
        SET LOCAL enable_nestloop = off;
        CREATE TEMP TABLE incident_current ON COMMIT DROP AS
        SELECT f.finding_id, f.order_no, f.provider, f.kind, f.charged_amount, w.created_at, w.paid_at, w.order_status AS status,
               w.pay_channel, w.vendor IS NULL AS undelivered
        FROM incident_current_finding f JOIN evidence_watch w ON w.order_no = f.order_no
        WHERE w.business_date = @date AND w.order_status IS NOT NULL
          AND EXISTS (SELECT 1 FROM evidence_stamp s WHERE s.business_date = @date AND s.inputs = @inputs);
        SET LOCAL enable_nestloop TO DEFAULT;
        {EvidenceSql.AnalyzeTemporary("incident_current")}
        -- (Into a table of its own first: an INSERT anti-joined with its own target rescans the pages it adds.)
        CREATE TEMP TABLE incident_current_rest ON COMMIT DROP AS
        SELECT f.finding_id, f.order_no, f.provider, f.kind, f.charged_amount, o.created_at, o.paid_at, o.status, o.pay_channel,
               NULL::boolean AS undelivered
        FROM incident_current_finding f JOIN platform_order o ON o.order_no = f.order_no
        -- The findings of the date are on orders created on it: bounded so, the orders are the date's index range
        -- once other dates are stored, not a scan of every order ever imported (2.1 M on the 7th day of 300 k).
        WHERE o.created_at >= @start AND o.created_at < @end
          AND NOT EXISTS (SELECT 1 FROM incident_current c WHERE c.finding_id = f.finding_id);
        INSERT INTO incident_current SELECT * FROM incident_current_rest;
        {EvidenceSql.AnalyzeTemporary("incident_current")}

        -- callback_failure in two branches: the watch list says whether any delivery row names the order; for the other
        -- orders the anti-join looks (an OR of the two would make it a SubPlan hashing every delivery row ever imported).
        CREATE TEMP TABLE incident_hit ON COMMIT DROP AS
        SELECT 'callback_failure' AS kind, NULL::text AS vendor, c.provider, c.finding_id, c.order_no, c.created_at AS at, 2 AS rank
        FROM incident_current c
        WHERE c.charged_amount > 0 AND c.provider IS NOT NULL AND c.status = 'failed' AND c.undelivered
        UNION ALL
        SELECT 'callback_failure', NULL, c.provider, c.finding_id, c.order_no, c.created_at, 2
        FROM incident_current c
        WHERE c.charged_amount > 0 AND c.provider IS NOT NULL AND c.status = 'failed' AND c.undelivered IS NULL
          AND NOT EXISTS (SELECT 1 FROM delivery_event d WHERE d.order_no = c.order_no)
        UNION ALL
        SELECT 'risk_hold', h.vendor, NULL, c.finding_id, c.order_no, coalesce(c.paid_at, c.created_at), 3
        -- The date's vendor orders still in flight were found with its attempts (Attempts); looked up here per finding,
        -- each was an index scan of delivery_event (10,110 at 1 M, 0.57 s of heap reads).
        FROM incident_current c JOIN incident_in_flight h ON h.order_no = c.order_no
        WHERE @asOf - coalesce(c.paid_at, c.created_at) >= @holdLimit
        UNION ALL
        SELECT 'settlement_missing', NULL, m.provider, c.finding_id, c.order_no, c.created_at, 4
        FROM incident_current c
        JOIN unnest(@missingProviders::text[]) AS m(provider) ON m.provider = c.pay_channel
        WHERE c.kind IN ('pending', 'delivered_not_charged');

        INSERT INTO incident_group (grp_key, kind, vendor, provider, from_at, to_at, detail, rank)
        SELECT kind || ':' || coalesce(vendor, provider), kind, vendor, provider, min(at), max(at),
               CASE kind
                   WHEN 'callback_failure' THEN count(DISTINCT order_no) || ' orders paid through ' || provider
                        || ' were marked failed by the platform before any delivery'
                   ELSE count(DISTINCT order_no) || ' orders of ' || vendor || ' still in flight past the hold limit'
               END,
               min(rank)
        FROM incident_hit WHERE kind <> 'settlement_missing'
        GROUP BY kind, vendor, provider;

        -- A missing settlement file is an incident whether or not a finding waits on it; its window is the day.
        INSERT INTO incident_group (grp_key, kind, vendor, provider, from_at, to_at, detail, rank)
        SELECT 'settlement_missing:' || m.provider, 'settlement_missing', NULL, m.provider, @start, @end,
               m.provider || ' settlement for the date: ' || m.reason, 4
        FROM unnest(@missingProviders::text[], @missingReasons::text[]) AS m(provider, reason);

        INSERT INTO incident_member (grp_key, finding_id, rank)
        SELECT kind || ':' || coalesce(vendor, provider), finding_id, rank FROM incident_hit;
        """;

    /// <summary>
    /// A digest of a run's (<c>@digestRun</c>) current findings of the date in every column the grouping reads
    /// (<see cref="CurrentOf"/>, <see cref="Store"/>'s amounts): each row as a record's text (a NULL and an empty text
    /// differ), hashed with two seeds and summed, with the count: the same for the same rows in any order, without sorting
    /// them (an md5 of the rows in order took 0.35 s at 100 k findings, this 0.10 s).
    /// </summary>
    public static readonly string FindingsDigest =
        $"""
        SELECT concat_ws('/', count(*), sum(hashtextextended(t, 0)::numeric), sum(hashtextextended(t, 1)::numeric))
        FROM (
            SELECT ROW(rf.finding_id, rf.order_no, rf.provider, rf.kind, rf.charged_amount, rf.currency, rf.compensation_amount,
                       rf.expected_amount)::text AS t
            FROM {CurrentOf("@digestRun")}
            OFFSET 0
        ) finding
        """;

    /// <summary>The latest completed run of the date grouped under the same key, with its findings' digest if taken.</summary>
    public const string ReusableRun =
        """
        SELECT g.run_id AS RunId, g.findings_digest AS FindingsDigest FROM incident_grouping g JOIN run r USING (run_id)
        WHERE g.business_date = @date AND g.grouping_key = @groupingKey AND r.status = 'completed' AND g.run_id <> @runId
        ORDER BY g.run_id DESC LIMIT 1
        """;

    /// <summary>Keeps a completed run's digest, taken by a later run of the date.</summary>
    public const string KeepDigest = "UPDATE incident_grouping SET findings_digest = @digest WHERE run_id = @digestRun";

    /// <summary>That run's incidents as this run's.</summary>
    public const string CopyIncidents =
        """
        INSERT INTO incident (run_id, incident_no, business_date, kind, vendor, provider, from_at, to_at, findings, amount, currency, amounts, detail)
        SELECT @runId, incident_no, business_date, kind, vendor, provider, from_at, to_at, findings, amount, currency, amounts, detail
        FROM incident WHERE run_id = @from;
        INSERT INTO incident_finding (run_id, finding_id, incident_no)
        SELECT @runId, finding_id, incident_no FROM incident_finding WHERE run_id = @from;
        """;

    /// <summary>Records what this run's incidents were grouped from (migration 0023).</summary>
    public const string KeepKey =
        """
        INSERT INTO incident_grouping (run_id, business_date, grouping_key, findings_digest) VALUES (@runId, @date, @groupingKey, @ownDigest)
        ON CONFLICT (run_id) DO UPDATE
            SET business_date = EXCLUDED.business_date, grouping_key = EXCLUDED.grouping_key, findings_digest = EXCLUDED.findings_digest;
        """;

    /// <summary>The text of every statement that decides a run's incidents from its findings and attempts.</summary>
    public static string Version { get; } = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes(string.Join("\n", Attempts, VendorDownGroups, CurrentFindings, VendorDownMembers, OtherCauses, Store))));

    /// <summary>
    /// Keeps each finding with its most specific cause, drops groups too small to be an incident (but never a
    /// missing settlement file), numbers the incidents by time, and stores them with their findings.
    /// </summary>
    public const string Store =
        """
        DELETE FROM incident_member m USING incident_member better
        WHERE better.finding_id = m.finding_id AND (better.rank, better.grp_key) < (m.rank, m.grp_key);

        CREATE TEMP TABLE incident_numbered ON COMMIT DROP AS
        WITH per_currency AS (
            SELECT m.grp_key, coalesce(rf.currency, '') AS currency, count(*) AS findings,
                   sum(coalesce(nullif(rf.compensation_amount, 0), nullif(rf.charged_amount, 0), rf.expected_amount, 0)) AS amount
            FROM incident_member m JOIN run_finding rf ON rf.run_id = @runId AND rf.finding_id = m.finding_id
            GROUP BY m.grp_key, coalesce(rf.currency, '')
        ),
        member AS (
            -- Amounts in different currencies are never added up: the main currency's total, and each currency's.
            SELECT grp_key, sum(findings) AS findings,
                   (array_agg(amount ORDER BY findings DESC, currency))[1] AS amount,
                   (array_agg(nullif(currency, '') ORDER BY findings DESC, currency))[1] AS currency,
                   jsonb_agg(jsonb_build_object('currency', nullif(currency, ''), 'amount', amount) ORDER BY currency) AS amounts
            FROM per_currency GROUP BY grp_key
        )
        SELECT g.grp_key, g.kind, g.vendor, g.provider, g.from_at, g.to_at, g.detail,
               coalesce(x.findings, 0) AS findings, coalesce(x.amount, 0) AS amount, x.currency,
               coalesce(x.amounts, '[]'::jsonb) AS amounts,
               row_number() OVER (ORDER BY g.from_at, g.kind, g.grp_key)::int AS incident_no
        FROM incident_group g LEFT JOIN member x USING (grp_key)
        WHERE g.kind = 'settlement_missing' OR coalesce(x.findings, 0) >= @minFindings;

        INSERT INTO incident (run_id, incident_no, business_date, kind, vendor, provider, from_at, to_at, findings, amount, currency, amounts, detail)
        SELECT @runId, incident_no, @date, kind, vendor, provider, from_at, to_at, findings, amount, currency, amounts, detail
        FROM incident_numbered;

        INSERT INTO incident_finding (run_id, finding_id, incident_no)
        SELECT @runId, m.finding_id, n.incident_no
        FROM incident_member m JOIN incident_numbered n USING (grp_key);
        """;
}
