namespace Reconciler.Storage.Events;

/// <summary>An event to post to one webhook now; <see cref="Attempt"/> counts this attempt.</summary>
public sealed record DueDelivery(
    long EventId,
    string EventType,
    string PayloadJson,
    DateTimeOffset OccurredAt,
    string Webhook,
    string Url,
    int Attempt);
