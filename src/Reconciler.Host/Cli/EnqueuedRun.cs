using System.Globalization;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Reconciler.Jobs;
using Reconciler.Jobs.Running;
using Reconciler.Jobs.Scheduling;
using Reconciler.Storage;
using Reconciler.Storage.Runs;

namespace Reconciler.Host.Cli;

/// <summary><c>run --enqueue [--wait]</c>: queue the run for the <c>serve</c> processes and, if asked, follow it to its end.</summary>
internal static class EnqueuedRun
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static async Task<int> SubmitAsync(
        IServiceProvider services, RunRequest request, bool inboxGiven, bool outGiven, bool wait, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<ReconcilerOptions>();
        var runs = services.GetRequiredService<RunStore>();
        var storage = HangfireStorage.Create(services.GetRequiredService<StorageOptions>(), options.Jobs);
        var submitter = new RunSubmitter(runs, new BackgroundJobClient(storage));
        // Paths the operator gave are taken from here; without them the server uses its own configured inbox and out root.
        var (runId, jobId) = await submitter.EnqueueAsync(
            new RunSubmission(
                request.Date, request.AsOf, RunTrigger.Cli, request.RequestedBy, request.Reason,
                inboxGiven ? Path.GetFullPath(request.Inbox) : null,
                outGiven ? Path.GetFullPath(request.OutDir) : null,
                request.ForcedFormat),
            cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {runId} queued (Hangfire job {jobId})"));
        if (!wait)
        {
            return ExitCodes.Ok;
        }

        var shown = string.Empty;
        while (true)
        {
            await Task.Delay(PollInterval, cancellationToken);
            var run = await runs.GetRunAsync(runId, cancellationToken);
            var line = string.Create(CultureInfo.InvariantCulture, $"run {runId}: {run.Status}, {run.Progress.Phase ?? "waiting"} ({run.Progress.Rows} rows)");
            if (line != shown)
            {
                Console.Error.WriteLine(line);
                shown = line;
            }

            switch (run.Status)
            {
                case "completed":
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"run {runId} completed: {run.Findings.New} new, {run.Findings.Open} still open, {run.Findings.Resolved} resolved findings"));
                    return ExitCodes.Ok;
                case "failed":
                    return CliErrors.Fail($"run {runId} failed: {run.Error}", ExitCodes.Failed);
            }
        }
    }
}
