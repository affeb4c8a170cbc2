namespace Reconciler.Jobs.Running;

/// <summary>A queued run was started again after it had completed (its job re-fetched after its server died): nothing to do.</summary>
public sealed class RunAlreadyCompletedException(long runId) : Exception($"run {runId} has already completed")
{
    public long RunId { get; } = runId;
}
