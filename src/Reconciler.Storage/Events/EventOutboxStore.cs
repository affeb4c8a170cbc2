using Dapper;
using Npgsql;

namespace Reconciler.Storage.Events;

/// <summary>
/// The outbox of events and their deliveries to webhooks: events are appended in the transaction of the change they
/// announce; delivery fans them out per webhook, hands due deliveries to one dispatcher at a time, and records each
/// attempt's result.
/// </summary>
public sealed class EventOutboxStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Appends an event inside the caller's transaction, so it exists exactly when the change does (the hook for
    /// <c>incident.opened</c>); a <paramref name="dedupeKey"/> already used makes it a no-op. Returns whether it was added.
    /// </summary>
    public static async Task<bool> AppendAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string eventType, string payloadJson, string? dedupeKey,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO event_outbox (event_type, payload, dedupe_key) VALUES (@eventType, @payloadJson::jsonb, @dedupeKey)
            ON CONFLICT (dedupe_key) DO NOTHING
            """,
            new { eventType, payloadJson, dedupeKey }, transaction, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// Creates the deliveries of events not yet fanned out, one per webhook that wants the event type, and marks the
    /// events fanned out (an event no webhook wants is marked too). Returns the number of events fanned out.
    /// </summary>
    public async Task<int> FanOutAsync(IReadOnlyList<WebhookSubscription> webhooks, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhooks);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var events = (await connection.QueryAsync<(long EventId, string EventType)>(new CommandDefinition(
            """
            SELECT event_id, event_type FROM event_outbox WHERE fanned_out_at IS NULL
            ORDER BY event_id LIMIT @batchSize FOR UPDATE SKIP LOCKED
            """, new { batchSize }, transaction, cancellationToken: cancellationToken))).ToList();
        if (events.Count == 0)
        {
            return 0;
        }

        var pairs = events.SelectMany(e => webhooks.Where(w => w.Wants(e.EventType)).Select(w => (e.EventId, w.Name, w.Url))).ToList();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO event_delivery (event_id, webhook, url)
            SELECT * FROM unnest(@ids, @names, @urls)
            ON CONFLICT (event_id, webhook) DO NOTHING
            """,
            new { ids = pairs.Select(p => p.EventId).ToArray(), names = pairs.Select(p => p.Name).ToArray(), urls = pairs.Select(p => p.Url).ToArray() },
            transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE event_outbox SET fanned_out_at = now() WHERE event_id = ANY(@ids)",
            new { ids = events.Select(e => e.EventId).ToArray() }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return events.Count;
    }

    /// <summary>
    /// Takes up to <paramref name="limit"/> due deliveries and counts the attempt; each stays invisible to other
    /// dispatchers for <paramref name="claimFor"/>, after which a dispatcher that died while posting is retried.
    /// </summary>
    public async Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(int limit, TimeSpan claimFor, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<DueRow>(new CommandDefinition(
            """
            WITH due AS (
                SELECT event_id, webhook FROM event_delivery
                WHERE state = 'pending' AND next_attempt_at <= now()
                ORDER BY next_attempt_at LIMIT @limit
                FOR UPDATE SKIP LOCKED
            )
            UPDATE event_delivery d SET attempts = d.attempts + 1, next_attempt_at = now() + @claimFor
            FROM due JOIN event_outbox e ON e.event_id = due.event_id
            WHERE d.event_id = due.event_id AND d.webhook = due.webhook
            RETURNING d.event_id AS EventId, e.event_type AS EventType, e.payload::text AS PayloadJson, e.occurred_at AS OccurredAt,
                      d.webhook AS Webhook, d.url AS Url, d.attempts AS Attempt
            """, new { limit, claimFor }, cancellationToken: cancellationToken));
        return rows.OrderBy(r => r.EventId)
            .Select(r => new DueDelivery(r.EventId, r.EventType, r.PayloadJson, DbTime.Utc(r.OccurredAt), r.Webhook, r.Url, r.Attempt))
            .ToList();
    }

    public async Task RecordDeliveredAsync(long eventId, string webhook, int status, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE event_delivery SET state = 'delivered', delivered_at = now(), last_status = @status, last_error = NULL
            WHERE event_id = @eventId AND webhook = @webhook
            """, new { eventId, webhook, status }, cancellationToken: cancellationToken));
    }

    /// <summary>Records a failed attempt: retried after <paramref name="retryAfter"/>, or <c>failed</c> when <paramref name="retryAfter"/> is null.</summary>
    public async Task RecordFailedAttemptAsync(
        long eventId, string webhook, int? status, string error, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE event_delivery
            SET state = CASE WHEN @retryAfter::interval IS NULL THEN 'failed' ELSE 'pending' END,
                next_attempt_at = CASE WHEN @retryAfter::interval IS NULL THEN next_attempt_at ELSE now() + @retryAfter::interval END,
                last_status = @status, last_error = @error
            WHERE event_id = @eventId AND webhook = @webhook
            """, new { eventId, webhook, status, error, retryAfter }, cancellationToken: cancellationToken));
    }

    /// <summary>Deliveries newest first, optionally of one state, a page of <paramref name="limit"/> before event id <paramref name="before"/>.</summary>
    public async Task<IReadOnlyList<EventDelivery>> ListDeliveriesAsync(string? state, long? before, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<DeliveryRow>(new CommandDefinition(
            """
            SELECT d.event_id AS EventId, e.event_type AS EventType, e.occurred_at AS OccurredAt, d.webhook AS Webhook, d.url AS Url,
                   d.state AS State, d.attempts AS Attempts, d.next_attempt_at AS NextAttemptAt, d.last_status AS LastStatus,
                   d.last_error AS LastError, d.delivered_at AS DeliveredAt, e.payload::text AS PayloadJson
            FROM event_delivery d JOIN event_outbox e ON e.event_id = d.event_id
            WHERE (@state::text IS NULL OR d.state = @state) AND (@before::bigint IS NULL OR d.event_id < @before)
            ORDER BY d.event_id DESC, d.webhook
            LIMIT @limit
            """, new { state, before, limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new EventDelivery(
            r.EventId, r.EventType, DbTime.Utc(r.OccurredAt), r.Webhook, r.Url, r.State, r.Attempts, DbTime.Utc(r.NextAttemptAt), r.LastStatus,
            r.LastError, r.DeliveredAt is { } delivered ? DbTime.Utc(delivered) : null, r.PayloadJson)).ToList();
    }

    private sealed record DueRow(long EventId, string EventType, string PayloadJson, DateTime OccurredAt, string Webhook, string Url, int Attempt);

    private sealed record DeliveryRow(
        long EventId, string EventType, DateTime OccurredAt, string Webhook, string Url, string State, int Attempts, DateTime NextAttemptAt,
        int? LastStatus, string? LastError, DateTime? DeliveredAt, string PayloadJson);
}
