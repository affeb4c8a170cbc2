namespace Reconciler.Jobs.Running;

/// <summary>What an operator (or the scheduler) asks of one run.</summary>
public sealed record RunRequest(
    DateOnly Date,
    DateTimeOffset AsOf,
    string Inbox,
    string OutDir,
    string RequestedBy,
    string? Reason = null,
    string? ForcedFormat = null);
