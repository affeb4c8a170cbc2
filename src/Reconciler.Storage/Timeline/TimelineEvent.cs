namespace Reconciler.Storage.Timeline;

/// <summary>One node of an order's life: when, what kind of node, where it came from (file and line, or run) and what it says.</summary>
public sealed record TimelineEvent(DateTimeOffset? At, string Node, string Source, string Detail);
