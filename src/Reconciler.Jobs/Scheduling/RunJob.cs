using System.ComponentModel;
using System.Globalization;
using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Logging;
using Reconciler.Formats.Detection;
using Reconciler.Jobs.Importing;
using Reconciler.Jobs.Running;
using Reconciler.Storage;
using Reconciler.Storage.Runs;

namespace Reconciler.Jobs.Scheduling;

/// <summary>The <c>rerun</c> job: executes one queued run through the same runner as <c>reconciler run</c>.</summary>
public sealed class RunJob(ReconciliationRunner runner, RunStore runs, ReconcilerOptions options, ILogger<RunJob> logger)
{
    /// <summary>Executes run <paramref name="runId"/>; Hangfire passes the context and the cancellation token.</summary>
    [DisplayName("rerun: run {0}")]
    [AutomaticRetry(Attempts = 0)]
    public async Task ExecuteAsync(long runId, PerformContext? context, CancellationToken cancellationToken)
    {
        CrashPoints.Reach("job-fetched");
        var run = await runs.FindRunAsync(runId, cancellationToken);
        if (run is null)
        {
            logger.LogWarning("Run {RunId} does not exist; nothing to do", runId);
            return;
        }

        if (run.Status == "completed")
        {
            logger.LogInformation("Run {RunId} has already completed; nothing to do", runId);
            return;
        }

        var date = run.BusinessDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var request = new RunRequest(
            run.BusinessDate,
            run.AsOf,
            run.Inbox ?? options.Inbox,
            run.OutDir ?? Path.Combine(options.OutRoot, date, string.Create(CultureInfo.InvariantCulture, $"run-{runId}")),
            run.RequestedBy,
            run.Reason,
            run.ForcedFormat,
            runId,
            context?.ServerId ?? Environment.MachineName);
        try
        {
            var result = await runner.RunAsync(request, cancellationToken);
            logger.LogInformation("Run {RunId} for {Date} completed: {Findings} findings", runId, date, result.Report.Findings.Count);
        }
        catch (RunAlreadyCompletedException)
        {
            logger.LogInformation("Run {RunId} completed elsewhere meanwhile; nothing to do", runId);
        }
        catch (Exception e) when (WillRetry(e, context))
        {
            await runs.RequeueRunAsync(runId, $"attempt {run.Attempts + 1} failed, retrying: {e.Message}", CancellationToken.None);
            throw;
        }
        catch (Exception e)
        {
            // The reason the runner recorded once the run had started wins; this one covers what stopped it before.
            await runs.TryFailRunAsync(runId, e is OperationCanceledException
                ? "cancelled before it started: the job was deleted or stopped, or its server shut down"
                : e.Message);
            throw;
        }
    }

    private bool WillRetry(Exception e, PerformContext? context) =>
        !RunRetryFilter.IsBadInput(e) && e is not OperationCanceledException &&
        (context?.GetJobParameter<int>("RetryCount") ?? 0) < options.Jobs.Retries;
}
