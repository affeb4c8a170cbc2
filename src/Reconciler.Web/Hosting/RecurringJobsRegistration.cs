using Hangfire;
using Microsoft.Extensions.Hosting;
using Reconciler.Core.Time;
using Reconciler.Jobs;
using Reconciler.Jobs.Scheduling;

namespace Reconciler.Web.Hosting;

/// <summary>
/// Registers the recurring jobs from configuration when the server starts: <c>nightly</c> with Strict misfire handling
/// (a night missed while every server was down runs once, with its own scheduled time) and <c>inbox-scan</c> with the
/// default Relaxed one (one catch-up scan is enough). Both in <c>Reconciler:TimeZone</c>, not Hangfire's UTC default.
/// </summary>
public sealed class RecurringJobsRegistration(IRecurringJobManager recurring, ReconcilerOptions options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var zone = BusinessCalendar.FindZone(options.TimeZone);
        recurring.AddOrUpdate<NightlyJob>(
            NightlyJob.RecurringJobId,
            job => job.ExecuteAsync(null, CancellationToken.None),
            options.Schedule.Nightly,
            new RecurringJobOptions { TimeZone = zone, MisfireHandling = MisfireHandlingMode.Strict });
        recurring.AddOrUpdate<InboxScanJob>(
            InboxScanJob.RecurringJobId,
            job => job.ExecuteAsync(CancellationToken.None),
            options.Schedule.InboxScan,
            new RecurringJobOptions { TimeZone = zone, MisfireHandling = MisfireHandlingMode.Relaxed });
        recurring.AddOrUpdate<WebhookJob>(
            WebhookJob.RecurringJobId,
            job => job.ExecuteAsync(CancellationToken.None),
            options.Schedule.Webhooks,
            new RecurringJobOptions { TimeZone = zone, MisfireHandling = MisfireHandlingMode.Relaxed });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
