namespace Reconciler.Jobs.Running;

/// <summary>What an operator (or the scheduler) asks of one run.</summary>
/// <param name="RunId">A run already recorded as queued (by the API, the schedule or <c>run --enqueue</c>); null: the CLI's own run.</param>
/// <param name="Server">Who executes it, kept with the run (a Hangfire server id, or the machine).</param>
public sealed record RunRequest(
    DateOnly Date,
    DateTimeOffset AsOf,
    string Inbox,
    string OutDir,
    string RequestedBy,
    string? Reason = null,
    string? ForcedFormat = null,
    long? RunId = null,
    string? Server = null);
