using System.ComponentModel;
using System.Globalization;
using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Logging;
using Reconciler.Core.Time;
using Reconciler.Storage.Runs;

namespace Reconciler.Jobs.Scheduling;

/// <summary>
/// The recurring <c>nightly</c> job: reconciles the business date before the scheduled day, as of the scheduled
/// instant (Hangfire's <c>Time</c> parameter, one job per missed night), then runs it like any queued run.
/// </summary>
public sealed class NightlyJob(RunStore runs, RunJob runJob, ReconcilerOptions options, TimeProvider time, ILogger<NightlyJob> logger)
{
    public const string RecurringJobId = "nightly";

    /// <summary>Queues (or finds again, when this job was re-fetched) the night's run and executes it.</summary>
    [DisplayName("nightly")]
    [AutomaticRetry(Attempts = 0)]
    public async Task ExecuteAsync(PerformContext? context, CancellationToken cancellationToken)
    {
        var schedule = new NightlySchedule(options.Schedule.Nightly, BusinessCalendar.FindZone(options.TimeZone));
        var scheduled = ScheduledTime(context) ?? time.GetUtcNow();
        var (date, asOf) = schedule.RunFor(scheduled);
        var jobId = context?.BackgroundJob.Id;
        var runId = jobId is null ? null : await runs.FindRunByJobAsync(jobId, cancellationToken);
        if (runId is null)
        {
            var byHand = !schedule.IsOccurrence(scheduled);
            runId = await runs.QueueRunAsync(
                new RunSubmission(
                    date,
                    asOf,
                    byHand ? RunTrigger.Dashboard : RunTrigger.Schedule,
                    byHand ? "dashboard" : "schedule",
                    string.Create(CultureInfo.InvariantCulture, $"nightly run scheduled for {asOf:yyyy-MM-dd HH:mm} UTC")),
                cancellationToken);
            if (jobId is not null)
            {
                await runs.SetJobIdAsync(runId.Value, jobId, cancellationToken);
            }

            logger.LogInformation("Nightly job {JobId} queued run {RunId} for {Date}", jobId, runId, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        await runJob.ExecuteAsync(runId.Value, context, cancellationToken);
    }

    /// <summary>The occurrence the recurring job scheduler created this job for, when it did.</summary>
    public static DateTimeOffset? ScheduledTime(PerformContext? context)
    {
        var seconds = context?.GetJobParameter<long?>("Time", allowStale: true);
        return seconds is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : null;
    }
}
