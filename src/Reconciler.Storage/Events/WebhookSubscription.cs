namespace Reconciler.Storage.Events;

/// <summary>A configured webhook as the outbox sees it: its name, where it posts, and the event types it wants (empty: all).</summary>
public sealed record WebhookSubscription(string Name, string Url, IReadOnlyCollection<string> Events)
{
    public bool Wants(string eventType) => Events.Count == 0 || Events.Contains("*") || Events.Contains(eventType);
}
