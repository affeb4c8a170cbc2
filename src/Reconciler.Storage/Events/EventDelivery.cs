namespace Reconciler.Storage.Events;

/// <summary>One event's delivery to one webhook as stored: <c>pending</c> (with its next attempt), <c>delivered</c> or <c>failed</c>.</summary>
public sealed record EventDelivery(
    long EventId,
    string EventType,
    DateTimeOffset OccurredAt,
    string Webhook,
    string Url,
    string State,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    int? LastStatus,
    string? LastError,
    DateTimeOffset? DeliveredAt,
    string PayloadJson);
