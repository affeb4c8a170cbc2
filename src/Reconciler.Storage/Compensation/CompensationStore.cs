using System.Text.Json;
using Dapper;
using Npgsql;
using Reconciler.Storage.Events;

namespace Reconciler.Storage.Compensation;

/// <summary>
/// The compensation queue: consumers claim due requests under a lease, then complete, fail or extend each with the
/// lease token; a change sent with an Idempotency-Key answers a retry with the stored first answer.
/// </summary>
public sealed class CompensationStore(NpgsqlDataSource dataSource, CompensationQueueOptions options)
{
    public const int MaxClaimLimit = 1000;

    public const int MaxLeaseSeconds = 86_400;

    public const int MaxListLimit = 1000;

    private const int MaxTextLength = 1000;

    public static IReadOnlyList<string> States { get; } = ["pending", "claimed", "completed", "failed", "withdrawn"];

    /// <summary>
    /// Hands up to <paramref name="limit"/> due requests to <paramref name="consumer"/>: pending ones whose retry is
    /// due and claimed ones whose lease expired (never one under a live lease), each with a new lease token and its
    /// attempt counted. A request whose break has resolved is never handed out.
    /// </summary>
    public async Task<QueueAnswer> ClaimAsync(string? consumer, int limit, int leaseSeconds, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (Invalid(consumer, "consumer") is { } bad)
        {
            return bad;
        }

        if (limit is < 1 or > MaxClaimLimit)
        {
            return QueueAnswer.Bad($"limit must be between 1 and {MaxClaimLimit}");
        }

        if (LeaseInvalid(leaseSeconds) is { } badLease)
        {
            return badLease;
        }

        var scope = "claim:" + consumer;
        var fingerprint = Fingerprint(limit, leaseSeconds);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await StoredAnswerAsync(connection, transaction, scope, idempotencyKey, "claim", fingerprint, cancellationToken) is { } stored)
        {
            return stored;
        }

        var rows = await connection.QueryAsync<ClaimRow>(new CommandDefinition(
            $"""
            WITH due AS (
                SELECT c.request_id FROM compensation_request c
                WHERE c.state IN ('pending', 'claimed') AND {DueAt} <= now()
                  AND EXISTS (SELECT 1 FROM finding f WHERE f.finding_id = c.request_id AND f.status = 'open')
                ORDER BY {DueAt}
                LIMIT @limit
                FOR UPDATE OF c SKIP LOCKED
            )
            UPDATE compensation_request c
            SET state = 'claimed', claimed_by = @consumer, lease_token = gen_random_uuid(),
                lease_expires_at = now() + make_interval(secs => @leaseSeconds), attempts = c.attempts + 1,
                outcome = 'claimed by ' || @consumer, updated_at = now()
            FROM due JOIN finding f ON f.finding_id = due.request_id
            WHERE c.request_id = due.request_id
            RETURNING c.request_id AS RequestId, c.order_no AS OrderNo, c.kind AS Kind, c.action AS Action, c.amount AS Amount,
                      c.currency AS Currency, f.provider AS Provider, f.provider_txn_id AS ProviderTxnId, f.vendor AS Vendor,
                      f.business_date::timestamp AS BusinessDate, c.attempts AS Attempt, c.lease_token AS LeaseToken,
                      c.lease_expires_at AS LeaseExpiresAt
            """, new { consumer, limit, leaseSeconds = (double)leaseSeconds }, transaction, cancellationToken: cancellationToken));
        var items = rows
            .Select(r => new ClaimedCompensation(
                r.RequestId, r.RequestId, r.OrderNo, r.Kind, r.Action, r.Amount, r.Currency, r.Provider, r.ProviderTxnId, r.Vendor,
                DateOnly.FromDateTime(r.BusinessDate), r.Attempt, r.LeaseToken, DbTime.Utc(r.LeaseExpiresAt)))
            .OrderBy(i => i.RequestId, StringComparer.Ordinal)
            .ToList();
        var answer = QueueAnswer.Of(QueueOutcome.Ok, new ClaimResult(items));
        if (!await StoreAnswerAsync(connection, transaction, scope, idempotencyKey, "claim", fingerprint, answer, cancellationToken))
        {
            // The same key won a race with this claim: give its answer back and hand nothing out twice.
            await transaction.RollbackAsync(cancellationToken);
            await using var again = await connection.BeginTransactionAsync(cancellationToken);
            return await StoredAnswerAsync(connection, again, scope, idempotencyKey, "claim", fingerprint, cancellationToken)
                ?? throw new InvalidOperationException("An idempotency answer vanished between two reads.");
        }

        await transaction.CommitAsync(cancellationToken);
        return answer;
    }

    /// <summary>Marks a claimed request completed with the consumer's <paramref name="reference"/> (its refund or re-delivery id).</summary>
    public Task<QueueAnswer> CompleteAsync(
        string requestId, string? leaseToken, string? reference, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if ((Invalid(reference, "reference") ?? Invalid(leaseToken, "leaseToken")) is { } bad)
        {
            return Task.FromResult(bad);
        }

        return ChangeAsync(requestId, leaseToken!, "complete", Fingerprint(leaseToken, reference), idempotencyKey, async (connection, transaction, row) =>
        {
            var done = await connection.QuerySingleAsync<DateTime>(new CommandDefinition(
                """
                UPDATE compensation_request
                SET state = 'completed', reference = @reference, completed_at = now(), lease_expires_at = NULL,
                    outcome = 'completed by ' || claimed_by || ': ' || @reference, updated_at = now()
                WHERE request_id = @RequestId
                RETURNING completed_at
                """, new { row.RequestId, reference }, transaction, cancellationToken: cancellationToken));
            return QueueAnswer.Of(QueueOutcome.Ok, new CompensationStateChange(
                row.RequestId, "completed", row.Attempts, Reference: reference, CompletedAt: DbTime.Utc(done)));
        }, cancellationToken);
    }

    /// <summary>
    /// Records a failed attempt. Retryable: back to pending after the backoff, until the attempts reach
    /// <see cref="CompensationQueueOptions.MaxAttempts"/>; then, or when not retryable, <c>failed</c> with a
    /// <c>compensation.failed</c> event. A retryable failure of a request whose break has meanwhile resolved withdraws it.
    /// </summary>
    public Task<QueueAnswer> FailAsync(
        string requestId, string? leaseToken, string? reason, bool retryable, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if ((Invalid(reason, "reason") ?? Invalid(leaseToken, "leaseToken")) is { } bad)
        {
            return Task.FromResult(bad);
        }

        return ChangeAsync(requestId, leaseToken!, "fail", Fingerprint(leaseToken, reason, retryable), idempotencyKey, async (connection, transaction, row) =>
        {
            if (retryable && row.FindingStatus != "open")
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    UPDATE compensation_request
                    SET state = 'withdrawn', lease_token = NULL, lease_expires_at = NULL, last_error = @reason,
                        outcome = 'withdrawn: the break resolved while claimed; the attempt failed: ' || @reason, updated_at = now()
                    WHERE request_id = @RequestId
                    """, new { row.RequestId, reason }, transaction, cancellationToken: cancellationToken));
                return QueueAnswer.Of(QueueOutcome.Ok, new CompensationStateChange(
                    row.RequestId, "withdrawn", row.Attempts, options.MaxAttempts, Reason: reason));
            }

            if (retryable && row.Attempts < options.MaxAttempts)
            {
                var backoff = options.BackoffAfter(row.Attempts);
                var next = await connection.QuerySingleAsync<DateTime>(new CommandDefinition(
                    """
                    UPDATE compensation_request
                    SET state = 'pending', lease_token = NULL, lease_expires_at = NULL, last_error = @reason,
                        next_attempt_at = now() + @backoff,
                        outcome = 'attempt ' || attempts || ' of ' || @maxAttempts || ' failed, retried: ' || @reason, updated_at = now()
                    WHERE request_id = @RequestId
                    RETURNING next_attempt_at
                    """, new { row.RequestId, reason, backoff, maxAttempts = options.MaxAttempts }, transaction, cancellationToken: cancellationToken));
                return QueueAnswer.Of(QueueOutcome.Ok, new CompensationStateChange(
                    row.RequestId, "pending", row.Attempts, options.MaxAttempts, Reason: reason, NextAttemptAt: DbTime.Utc(next)));
            }

            var why = retryable
                ? $"attempt {row.Attempts} of {options.MaxAttempts} failed, no attempts left: {reason}"
                : $"attempt {row.Attempts} failed, not retryable: {reason}";
            await connection.ExecuteAsync(new CommandDefinition(
                """
                WITH failed AS (
                    UPDATE compensation_request
                    SET state = 'failed', lease_token = NULL, lease_expires_at = NULL, last_error = @reason, outcome = @why, updated_at = now()
                    WHERE request_id = @RequestId
                    RETURNING *
                )
                INSERT INTO event_outbox (event_type, payload)
                SELECT @eventType, jsonb_build_object(
                    'requestId', c.request_id, 'findingId', c.request_id, 'orderNo', c.order_no, 'kind', c.kind, 'action', c.action,
                    'amount', c.amount, 'currency', c.currency, 'provider', f.provider, 'vendor', f.vendor,
                    'businessDate', f.business_date, 'attempts', c.attempts, 'consumer', c.claimed_by, 'retryable', @retryable,
                    'reason', @reason, 'failedAt', c.updated_at)
                FROM failed c JOIN finding f ON f.finding_id = c.request_id
                """, new { row.RequestId, reason, why, retryable, eventType = EventTypes.CompensationFailed }, transaction, cancellationToken: cancellationToken));
            return QueueAnswer.Of(QueueOutcome.Ok, new CompensationStateChange(
                row.RequestId, "failed", row.Attempts, options.MaxAttempts, Reason: reason));
        }, cancellationToken);
    }

    /// <summary>Extends a live (or expired but not yet re-claimed) lease to <paramref name="leaseSeconds"/> from now.</summary>
    public Task<QueueAnswer> ExtendAsync(
        string requestId, string? leaseToken, int leaseSeconds, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if ((Invalid(leaseToken, "leaseToken") ?? LeaseInvalid(leaseSeconds)) is { } bad)
        {
            return Task.FromResult(bad);
        }

        return ChangeAsync(requestId, leaseToken!, "extend", Fingerprint(leaseToken, leaseSeconds), idempotencyKey, async (connection, transaction, row) =>
        {
            var expires = await connection.QuerySingleAsync<DateTime>(new CommandDefinition(
                """
                UPDATE compensation_request SET lease_expires_at = now() + make_interval(secs => @leaseSeconds), updated_at = now()
                WHERE request_id = @RequestId
                RETURNING lease_expires_at
                """, new { row.RequestId, leaseSeconds = (double)leaseSeconds }, transaction, cancellationToken: cancellationToken));
            return QueueAnswer.Of(QueueOutcome.Ok, new CompensationStateChange(
                row.RequestId, "claimed", row.Attempts, LeaseToken: row.LeaseToken, LeaseExpiresAt: DbTime.Utc(expires)));
        }, cancellationToken);
    }

    /// <summary>A page of the queue by state, business date and kind, in request id order.</summary>
    public async Task<QueueAnswer> ListAsync(CompensationFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.State is { } state && !States.Contains(state))
        {
            return QueueAnswer.Bad($"state must be one of {string.Join(", ", States)}");
        }

        if (filter.Limit is < 1 or > MaxListLimit)
        {
            return QueueAnswer.Bad($"limit must be between 1 and {MaxListLimit}");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ListRow>(new CommandDefinition(
            """
            SELECT request_id AS RequestId, state AS State, kind AS Kind, action AS Action, amount AS Amount, currency AS Currency,
                   order_no AS OrderNo, provider AS Provider, provider_txn_id AS ProviderTxnId, vendor AS Vendor,
                   business_date::timestamp AS BusinessDate, attempts AS Attempts, claimed_by AS ClaimedBy,
                   lease_expires_at AS LeaseExpiresAt, next_attempt_at AS NextAttemptAt, last_error AS LastError,
                   reference AS Reference, outcome AS Outcome, created_at AS CreatedAt, updated_at AS UpdatedAt
            FROM compensation_queue
            WHERE (@state::text IS NULL OR state = @state) AND (@date::date IS NULL OR business_date = @date)
              AND (@kind::text IS NULL OR kind = @kind) AND (@after::text IS NULL OR request_id > @after)
            ORDER BY request_id
            LIMIT @take
            """,
            new { filter.State, filter.Date, filter.Kind, filter.After, take = filter.Limit + 1 }, cancellationToken: cancellationToken))).ToList();
        var items = rows.Take(filter.Limit).Select(r => new CompensationListItem(
            r.RequestId, r.State, r.Kind, r.Action, r.Amount, r.Currency, r.OrderNo, r.Provider, r.ProviderTxnId, r.Vendor,
            DateOnly.FromDateTime(r.BusinessDate), r.Attempts, r.ClaimedBy, r.LeaseExpiresAt is { } lease ? DbTime.Utc(lease) : null,
            DbTime.Utc(r.NextAttemptAt), r.LastError, r.Reference, r.Outcome, DbTime.Utc(r.CreatedAt), DbTime.Utc(r.UpdatedAt))).ToList();
        return QueueAnswer.Of(QueueOutcome.Ok, new CompensationPage(items, rows.Count > filter.Limit ? items[^1].RequestId : null));
    }

    // The request's row is locked first, so two changes of one request (or two retries of one key) run one after the other.
    private async Task<QueueAnswer> ChangeAsync(
        string requestId, string leaseToken, string operation, string fingerprint, string? idempotencyKey,
        Func<NpgsqlConnection, NpgsqlTransaction, RequestRow, Task<QueueAnswer>> change, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await StoredAnswerAsync(connection, transaction, requestId, idempotencyKey, operation, fingerprint, cancellationToken) is { } stored)
        {
            return stored;
        }

        var row = await connection.QuerySingleOrDefaultAsync<RequestRow>(new CommandDefinition(
            """
            SELECT c.request_id AS RequestId, c.state AS State, c.lease_token AS LeaseToken, c.attempts AS Attempts, f.status AS FindingStatus
            FROM compensation_request c JOIN finding f ON f.finding_id = c.request_id
            WHERE c.request_id = @requestId
            FOR UPDATE OF c
            """, new { requestId }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            // Not stored: the id may be mistyped, and nothing about the queue was decided.
            return QueueAnswer.Of(QueueOutcome.NotFound, new QueueError($"no compensation request {requestId}", QueueConflicts.NotFound, requestId, null));
        }

        if (await StoredAnswerAsync(connection, transaction, requestId, idempotencyKey, operation, fingerprint, cancellationToken) is { } raced)
        {
            return raced;
        }

        var answer = LeaseConflict(row, leaseToken) ?? await change(connection, transaction, row);
        await StoreAnswerAsync(connection, transaction, requestId, idempotencyKey, operation, fingerprint, answer, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return answer;
    }

    // A lease token stays good until someone else claims the request: a consumer that finished just after its lease
    // expired is believed rather than sent to pay twice.
    private static QueueAnswer? LeaseConflict(RequestRow row, string leaseToken) => row.State switch
    {
        "completed" => QueueAnswer.Conflict(
            $"compensation request {row.RequestId} is already completed", QueueConflicts.AlreadyCompleted, row.RequestId, row.State),
        not "claimed" => QueueAnswer.Conflict(
            $"compensation request {row.RequestId} is {row.State}, not claimed: claim it again before changing it",
            QueueConflicts.NotClaimed, row.RequestId, row.State),
        _ when !Guid.TryParse(leaseToken, out var token) || token != row.LeaseToken => QueueAnswer.Conflict(
            $"the lease token is not the current lease of compensation request {row.RequestId}: the lease expired and another consumer claimed it, or the token is wrong",
            QueueConflicts.LeaseMismatch, row.RequestId, row.State),
        _ => null,
    };

    private static async Task<QueueAnswer?> StoredAnswerAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string scope, string? key, string operation, string fingerprint,
        CancellationToken cancellationToken)
    {
        if (key is null)
        {
            return null;
        }

        var stored = await connection.QuerySingleOrDefaultAsync<StoredRow>(new CommandDefinition(
            """
            SELECT operation AS Operation, fingerprint AS Fingerprint, status_code AS StatusCode, body AS Body
            FROM compensation_idempotency WHERE scope = @scope AND idempotency_key = @key
            """, new { scope, key }, transaction, cancellationToken: cancellationToken));
        if (stored is null)
        {
            return null;
        }

        return stored.Operation == operation && stored.Fingerprint == fingerprint
            ? new QueueAnswer((QueueOutcome)stored.StatusCode, stored.Body, Replayed: true)
            : QueueAnswer.Conflict(
                $"Idempotency-Key '{key}' was first used for another {(stored.Operation == operation ? "set of parameters" : "operation (" + stored.Operation + ")")}; use a new key",
                QueueConflicts.IdempotencyKeyReused, scope.StartsWith("claim:", StringComparison.Ordinal) ? null : scope, null);
    }

    private static async Task<bool> StoreAnswerAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string scope, string? key, string operation, string fingerprint,
        QueueAnswer answer, CancellationToken cancellationToken)
    {
        if (key is null)
        {
            return true;
        }

        return await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO compensation_idempotency (scope, idempotency_key, operation, fingerprint, status_code, body)
            VALUES (@scope, @key, @operation, @fingerprint, @statusCode, @body)
            ON CONFLICT (scope, idempotency_key) DO NOTHING
            """, new { scope, key, operation, fingerprint, statusCode = answer.StatusCode, body = answer.Body }, transaction,
            cancellationToken: cancellationToken)) == 1;
    }

    private static QueueAnswer? Invalid(string? text, string field) =>
        string.IsNullOrWhiteSpace(text) ? QueueAnswer.Bad($"{field} is required")
        : text.Length > MaxTextLength ? QueueAnswer.Bad($"{field} is longer than {MaxTextLength} characters")
        : null;

    private static QueueAnswer? LeaseInvalid(int leaseSeconds) =>
        leaseSeconds is < 1 or > MaxLeaseSeconds ? QueueAnswer.Bad($"leaseSeconds must be between 1 and {MaxLeaseSeconds}") : null;

    private static string Fingerprint(params object?[] parameters) => JsonSerializer.Serialize(parameters, QueueJson.Options);

    // Repeated verbatim from the index compensation_request_due (migration 0004), which the planner matches by expression.
    private const string DueAt = "(CASE WHEN c.state = 'claimed' THEN c.lease_expires_at ELSE c.next_attempt_at END)";

    private sealed record RequestRow(string RequestId, string State, Guid? LeaseToken, int Attempts, string FindingStatus);

    private sealed record StoredRow(string Operation, string Fingerprint, int StatusCode, string Body);

    private sealed record ClaimRow(
        string RequestId, string? OrderNo, string Kind, string Action, decimal Amount, string? Currency, string? Provider,
        string? ProviderTxnId, string? Vendor, DateTime BusinessDate, int Attempt, Guid LeaseToken, DateTime LeaseExpiresAt);

    private sealed record ListRow(
        string RequestId, string State, string Kind, string Action, decimal Amount, string? Currency, string? OrderNo, string? Provider,
        string? ProviderTxnId, string? Vendor, DateTime BusinessDate, int Attempts, string? ClaimedBy, DateTime? LeaseExpiresAt,
        DateTime NextAttemptAt, string? LastError, string? Reference, string? Outcome, DateTime CreatedAt, DateTime UpdatedAt);
}
