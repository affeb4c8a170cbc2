namespace Reconciler.Storage.Runs;

/// <summary>A run as stored: what was asked, by whom, how far it got, and what it found.</summary>
public sealed record RunInfo(
    long RunId,
    DateOnly BusinessDate,
    DateTimeOffset AsOf,
    string Status,
    string Trigger,
    string RequestedBy,
    string? Reason,
    DateTimeOffset QueuedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? HangfireJobId,
    int Attempts,
    string? Server,
    RunProgress Progress,
    RunFindingCounts Findings,
    string? Error,
    string? Inbox,
    string? OutDir,
    string? ForcedFormat);
