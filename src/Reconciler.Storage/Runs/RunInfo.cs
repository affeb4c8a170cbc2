namespace Reconciler.Storage.Runs;

/// <summary>A run as stored.</summary>
public sealed record RunInfo(
    long RunId,
    DateOnly BusinessDate,
    DateTimeOffset AsOf,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string Status,
    string RequestedBy,
    string? Reason,
    string? Error);
