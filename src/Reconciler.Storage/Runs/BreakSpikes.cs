namespace Reconciler.Storage.Runs;

/// <summary>The statement that writes a <c>breaks.spike</c> event per kind far above its trailing average.</summary>
internal static class BreakSpikes
{
    /// <summary>
    /// Compares the run's <c>kinds</c> totals (summary.json's section, kept in run.summary) with the latest completed
    /// run of each of up to @trailingRuns earlier business dates: reading a handful of stored summaries, not the
    /// findings, so the check costs the same on any day. A date with no finding of a kind counts as zero; without
    /// an earlier completed run there is nothing to compare with and no spike. The dedupe key keeps a rerun of the
    /// same date from announcing the same spike again.
    /// </summary>
    public const string Sql =
        """
        WITH this AS (
            SELECT run_id, business_date, summary FROM run WHERE run_id = @runId
        ),
        earlier AS (
            SELECT DISTINCT ON (r.business_date) r.run_id, r.business_date, r.summary
            FROM run r, this
            WHERE r.status = 'completed' AND r.business_date < this.business_date
            ORDER BY r.business_date DESC, r.run_id DESC
            LIMIT @trailingRuns
        ),
        runs AS (SELECT count(*)::numeric AS n FROM earlier),
        kinds_now AS (
            SELECT k ->> 'kind' AS kind, (k ->> 'count')::numeric AS count, k -> 'charged_amount' AS amounts
            FROM this, jsonb_array_elements(coalesce(this.summary -> 'kinds', '[]')) k
        ),
        counts_before AS (
            SELECT k ->> 'kind' AS kind, sum((k ->> 'count')::numeric) AS count
            FROM earlier t, jsonb_array_elements(coalesce(t.summary -> 'kinds', '[]')) k
            GROUP BY 1
        ),
        amounts_now AS (
            SELECT n.kind, a ->> 'currency' AS currency, (a ->> 'amount')::numeric AS amount
            FROM kinds_now n, jsonb_array_elements(coalesce(n.amounts, '[]')) a
        ),
        amounts_before AS (
            SELECT k ->> 'kind' AS kind, a ->> 'currency' AS currency, sum((a ->> 'amount')::numeric) AS amount
            FROM earlier t, jsonb_array_elements(coalesce(t.summary -> 'kinds', '[]')) k,
                 jsonb_array_elements(coalesce(k -> 'charged_amount', '[]')) a
            GROUP BY 1, 2
        ),
        amounts AS (
            SELECT n.kind, jsonb_agg(jsonb_build_object(
                       'currency', n.currency, 'amount', n.amount,
                       'averageAmount', round(coalesce(b.amount, 0) / runs.n, 2)) ORDER BY n.currency) AS figures,
                   bool_or(n.amount > @factor * coalesce(b.amount, 0) / runs.n) AS spiked
            FROM amounts_now n CROSS JOIN runs LEFT JOIN amounts_before b ON b.kind = n.kind AND b.currency = n.currency
            WHERE runs.n > 0
            GROUP BY n.kind
        )
        INSERT INTO event_outbox (event_type, payload, dedupe_key)
        SELECT @spikeType, jsonb_build_object(
                   'runId', this.run_id, 'businessDate', this.business_date, 'kind', n.kind, 'count', n.count,
                   'averageCount', round(coalesce(b.count, 0) / runs.n, 2), 'trailingRuns', runs.n, 'factor', @factor,
                   'amounts', coalesce(a.figures, '[]')),
               @spikeType || ':' || this.business_date || ':' || n.kind
        FROM kinds_now n CROSS JOIN this CROSS JOIN runs
        LEFT JOIN counts_before b ON b.kind = n.kind
        LEFT JOIN amounts a ON a.kind = n.kind
        WHERE runs.n > 0 AND n.count >= @minimum
          AND (n.count > @factor * coalesce(b.count, 0) / runs.n OR coalesce(a.spiked, false))
        ORDER BY n.kind
        ON CONFLICT (dedupe_key) DO NOTHING
        """;
}
