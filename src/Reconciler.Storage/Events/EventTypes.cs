namespace Reconciler.Storage.Events;

/// <summary>The names of the events the outbox carries (and that a webhook's <c>Events</c> list may name).</summary>
public static class EventTypes
{
    public const string RunCompleted = "run.completed";

    public const string RunFailed = "run.failed";

    public const string BreaksSpike = "breaks.spike";

    /// <summary>Raised by incident detection when it exists, through <see cref="EventOutboxStore.AppendAsync"/> in its own transaction.</summary>
    public const string IncidentOpened = "incident.opened";

    public const string CompensationFailed = "compensation.failed";

    public static IReadOnlyList<string> All { get; } = [RunCompleted, RunFailed, BreaksSpike, IncidentOpened, CompensationFailed];
}
