using Reconciler.Storage.Runs;

namespace Reconciler.Web.Api;

/// <summary>A run as the API shows it.</summary>
public sealed record RunResponse(
    long RunId,
    DateOnly Date,
    DateTimeOffset AsOf,
    string Status,
    string Trigger,
    string RequestedBy,
    string? Reason,
    DateTimeOffset QueuedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    ProgressResponse Progress,
    FindingCountsResponse Findings,
    string? Error,
    string? HangfireJobId,
    int Attempts,
    string? Server)
{
    public static RunResponse From(RunInfo run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new RunResponse(
            run.RunId, run.BusinessDate, run.AsOf, run.Status, run.Trigger, run.RequestedBy, run.Reason, run.QueuedAt,
            run.StartedAt, run.FinishedAt, new ProgressResponse(run.Progress.Phase, run.Progress.Rows, run.Progress.UpdatedAt),
            new FindingCountsResponse(run.Findings.New, run.Findings.Open, run.Findings.Resolved), run.Error, run.HangfireJobId,
            run.Attempts, run.Server);
    }
}

/// <summary>A run's phase and the rows that phase has done.</summary>
public sealed record ProgressResponse(string? Phase, long Rows, DateTimeOffset? UpdatedAt);

/// <summary>A run's findings: new, still open, resolved.</summary>
public sealed record FindingCountsResponse(long New, long Open, long Resolved);

/// <summary>The answer to a rerun request: the run's id, known at once, and its status.</summary>
public sealed record RunQueuedResponse(long RunId, string Status);

/// <summary>A rerun request: the business date, the as-of instant (default now) and why.</summary>
public sealed record RunRequestBody(string? Date, string? AsOf, string? Reason);

/// <summary>What a run changed against the previous run of its date.</summary>
public sealed record RunChangesResponse(
    long RunId,
    DateOnly Date,
    long? PreviousRunId,
    IReadOnlyList<RunChange> New,
    IReadOnlyList<RunChange> Open,
    IReadOnlyList<RunChange> Resolved);
