using System.ComponentModel;
using Hangfire;
using Reconciler.Jobs.Alerts;

namespace Reconciler.Jobs.Scheduling;

/// <summary>The recurring <c>webhooks</c> job: one delivery round of the event outbox. A failing webhook never touches a run.</summary>
public sealed class WebhookJob(WebhookDispatcher dispatcher)
{
    public const string RecurringJobId = "webhooks";

    [DisplayName("webhooks")]
    [AutomaticRetry(Attempts = 0)]
    public async Task ExecuteAsync(CancellationToken cancellationToken) => await dispatcher.DeliverDueAsync(cancellationToken);
}
