namespace Reconciler.Storage.Runs;

/// <summary>A run asked for ahead of its execution (API, schedule, dashboard or <c>run --enqueue</c>).</summary>
public sealed record RunSubmission(
    DateOnly Date,
    DateTimeOffset AsOf,
    string Trigger,
    string RequestedBy,
    string? Reason,
    string? Inbox = null,
    string? OutDir = null,
    string? ForcedFormat = null);
