namespace Reconciler.Storage.Compensation;

/// <summary>A compensation request as the queue list shows it (no lease token).</summary>
public sealed record CompensationListItem(
    string RequestId,
    string State,
    string Kind,
    string Action,
    decimal Amount,
    string? Currency,
    string? OrderNo,
    string? Provider,
    string? ProviderTxnId,
    string? Vendor,
    DateOnly BusinessDate,
    int Attempts,
    string? ClaimedBy,
    DateTimeOffset? LeaseExpiresAt,
    DateTimeOffset NextAttemptAt,
    string? LastError,
    string? Reference,
    string? Outcome,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
