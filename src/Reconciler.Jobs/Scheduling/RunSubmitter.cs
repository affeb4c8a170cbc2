using Hangfire;
using Reconciler.Storage.Runs;

namespace Reconciler.Jobs.Scheduling;

/// <summary>Records a run as queued and hands it to Hangfire: the run id is known before any server starts it.</summary>
public sealed class RunSubmitter(RunStore runs, IBackgroundJobClient jobs)
{
    public async Task<(long RunId, string JobId)> EnqueueAsync(RunSubmission submission, CancellationToken cancellationToken)
    {
        var runId = await runs.QueueRunAsync(submission, cancellationToken);
        string jobId;
        try
        {
            jobId = jobs.Enqueue<RunJob>(job => job.ExecuteAsync(runId, null, CancellationToken.None));
        }
        catch (Exception e)
        {
            await runs.TryFailRunAsync(runId, $"could not be queued: {e.Message}");
            throw;
        }

        await runs.SetJobIdAsync(runId, jobId, cancellationToken);
        return (runId, jobId);
    }
}
