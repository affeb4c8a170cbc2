using Hangfire.Common;
using Hangfire.States;
using Reconciler.Formats.Detection;
using Reconciler.Jobs.Importing;
using Reconciler.Jobs.Running;

namespace Reconciler.Jobs.Scheduling;

/// <summary>
/// Retries a failed job a few configured times with a growing delay, and never one that failed on bad input (an
/// unreadable inbox, an unknown file): trying again cannot mend a file. Replaces Hangfire's ten default retries.
/// </summary>
public sealed class RunRetryFilter(int retries, TimeSpan delay) : JobFilterAttribute, IElectStateFilter
{
    public const string RetryCountParameter = "RetryCount";

    public static bool IsBadInput(Exception e) =>
        e is InboxException or UnrecognisedFormatException or RunAlreadyCompletedException;

    public void OnStateElection(ElectStateContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.CandidateState is not FailedState failed || IsBadInput(failed.Exception) ||
            failed.Exception is OperationCanceledException)
        {
            return;
        }

        var attempt = context.GetJobParameter<int>(RetryCountParameter) + 1;
        if (attempt > retries)
        {
            return;
        }

        context.SetJobParameter(RetryCountParameter, attempt);
        context.CandidateState = new ScheduledState(delay * attempt)
        {
            Reason = $"retry {attempt} of {retries}: {failed.Exception.GetType().Name}: {failed.Exception.Message}",
        };
    }
}
