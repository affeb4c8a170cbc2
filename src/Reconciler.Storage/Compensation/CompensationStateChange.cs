namespace Reconciler.Storage.Compensation;

/// <summary>The body of a successful complete, fail or extend: the request's state afterwards.</summary>
public sealed record CompensationStateChange(
    string RequestId,
    string State,
    int Attempt,
    int? MaxAttempts = null,
    string? Reference = null,
    string? Reason = null,
    Guid? LeaseToken = null,
    DateTimeOffset? LeaseExpiresAt = null,
    DateTimeOffset? NextAttemptAt = null,
    DateTimeOffset? CompletedAt = null);
