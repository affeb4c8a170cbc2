using System.ComponentModel;
using Hangfire;
using Microsoft.Extensions.Logging;
using Reconciler.Jobs.Running;

namespace Reconciler.Jobs.Scheduling;

/// <summary>The recurring <c>inbox-scan</c> job: imports what is new in the inbox so the nightly run mostly matches.</summary>
public sealed class InboxScanJob(ReconciliationRunner runner, ReconcilerOptions options, ILogger<InboxScanJob> logger)
{
    public const string RecurringJobId = "inbox-scan";

    [DisplayName("inbox-scan")]
    [AutomaticRetry(Attempts = 0)]
    public async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(options.Inbox))
        {
            logger.LogWarning("Inbox {Inbox} does not exist; nothing to scan", options.Inbox);
            return;
        }

        var imported = await runner.ScanInboxAsync(options.Inbox, cancellationToken);
        logger.LogInformation(
            "Inbox scan: {Files} entries, {New} newly imported, {Rows} rows", imported.Count,
            imported.Count(i => i.Outcome.Status != "duplicate"), imported.Sum(i => i.Outcome.RowsImported));
    }
}
