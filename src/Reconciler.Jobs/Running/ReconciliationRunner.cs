using System.Globalization;
using Microsoft.Extensions.Logging;
using Reconciler.Core.Matching;
using Reconciler.Core.Time;
using Reconciler.Jobs.Importing;
using Reconciler.Reports;
using Reconciler.Reports.Model;
using Reconciler.Storage.Importing;
using Reconciler.Storage.Incidents;
using Reconciler.Storage.Reconciliation;
using Reconciler.Storage.Runs;
using StoredMissing = Reconciler.Storage.Reconciliation.MissingSettlement;

namespace Reconciler.Jobs.Running;

/// <summary>One run of a business date: import what is new in the inbox, match, flag, store, and write the report.</summary>
public sealed class ReconciliationRunner(
    InboxImporter importer,
    PlatformDatabaseOrders platformOrders,
    RunStore runs,
    ReconciliationStore reconciliation,
    RunReportBuilder reportBuilder,
    IncidentStore incidents,
    ReconcilerOptions options,
    ILogger<ReconciliationRunner> logger)
{
    private readonly BusinessCalendar _calendar = new(options.TimeZone);
    private readonly MatchingRules _rules = new(options.Matching.ToPolicy());

    public BusinessCalendar Calendar => _calendar;

    /// <summary>Runs the date; throws with a one-line reason when the run cannot complete (the run is then marked failed).</summary>
    public async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Recognise every file before anything is written: an unknown file stops the run with nothing half-done.
        var planned = importer.Plan(request.Inbox, request.ForcedFormat, out var skippedEntries);
        foreach (var skipped in skippedEntries)
        {
            logger.LogInformation("Skipped archive entry {Entry}", skipped);
        }

        await using var dateLock = await runs.LockDateAsync(request.Date, cancellationToken);
        var startedAt = DateTimeOffset.UtcNow;
        var runId = await StartAsync(request, cancellationToken);
        var progress = new RunProgressReporter(runs, runId, TimeProvider.System);
        try
        {
            var window = new ReconciliationWindow(
                request.Date, _calendar.StartOf(request.Date), _calendar.EndOf(request.Date), request.AsOf.ToUniversalTime());
            var seq = 0;
            var rowsImported = 0L;
            await progress.PhaseAsync("importing", 0, cancellationToken);
            if (platformOrders.Enabled)
            {
                var imported = await platformOrders.ImportAsync(window, runId, cancellationToken);
                await runs.RecordFileAsync(runId, ++seq, imported.SourceName, imported.Sha256, imported.Outcome, cancellationToken);
                rowsImported += imported.Outcome.RowsImported;
                await progress.RowsAsync(rowsImported, cancellationToken);
            }

            foreach (var entry in planned)
            {
                var imported = await importer.ImportAsync(entry, runId, cancellationToken);
                rowsImported += imported.Outcome.RowsImported;
                var outcome = imported.Outcome;
                if (outcome is { Status: FileImportOutcome.Duplicate, FileId: { } earlier } &&
                    await runs.AdoptScannedFileAsync(runId, earlier, cancellationToken) is { } adopted)
                {
                    outcome = adopted;
                }

                await runs.RecordFileAsync(runId, ++seq, imported.SourceName, imported.Sha256, outcome, cancellationToken);
                await progress.RowsAsync(rowsImported, cancellationToken);
            }

            if (rowsImported > 0)
            {
                await progress.PhaseAsync("analysing", rowsImported, cancellationToken);
                await runs.RefreshStatisticsAsync(cancellationToken);
            }

            await progress.PhaseAsync("matching", 0, cancellationToken);
            var missing = await reconciliation.FindMissingSettlementsAsync(runId, window, options.ExpectedProviders, cancellationToken);
            var changes = await MatchAsync(runId, window, missing, progress, cancellationToken);
            logger.LogInformation(
                "Run {RunId} for {Date}: {New} new, {Open} still open, {Resolved} resolved findings; {Created} compensation requests created, {Withdrawn} withdrawn",
                runId, request.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), changes.New, changes.StillOpen, changes.Resolved, changes.RequestsCreated, changes.RequestsWithdrawn);

            await progress.PhaseAsync("grouping incidents", changes.New + changes.StillOpen + changes.Resolved, cancellationToken);
            var grouped = await incidents.ComputeAsync(runId, window, options.Matching.HoldLimit, missing, options.Incidents, cancellationToken);
            await progress.PhaseAsync("reporting", changes.New + changes.StillOpen + changes.Resolved, cancellationToken);
            var report = await reportBuilder.BuildAsync(runId, request, window, startedAt, missing, grouped, cancellationToken);
            var outputs = ReportWriter.WriteAll(report, request.OutDir);
            await runs.CompleteRunAsync(runId, SummaryJsonWriter.TotalsJson(report), outputs, cancellationToken);
            return new RunResult(runId, report, outputs);
        }
        catch (Exception e)
        {
            // A queued run's job decides between failed and queued for a retry; the CLI's own run fails here.
            var reason = Describe(e, progress.Phase);
            _ = request.RunId is null ? await runs.TryFailRunAsync(runId, reason) : await runs.TryRecordErrorAsync(runId, reason);
            throw;
        }
    }

    /// <summary>Imports what is new in the inbox ahead of any run (the <c>inbox-scan</c> job); the next run of a date adopts these files.</summary>
    public async Task<IReadOnlyList<ImportedEntry>> ScanInboxAsync(string inbox, CancellationToken cancellationToken)
    {
        var planned = importer.Plan(inbox, forcedFormat: null, out _);
        var imported = new List<ImportedEntry>();
        foreach (var entry in planned)
        {
            imported.Add(await importer.ImportAsync(entry, runId: null, cancellationToken));
        }

        if (imported.Any(i => i.Outcome.RowsImported > 0))
        {
            await runs.RefreshStatisticsAsync(cancellationToken);
        }

        return imported;
    }

    private async Task<long> StartAsync(RunRequest request, CancellationToken cancellationToken)
    {
        if (request.RunId is not { } queued)
        {
            return await runs.CreateRunAsync(request.Date, request.AsOf, request.RequestedBy, request.Reason, cancellationToken);
        }

        if (!await runs.StartRunAsync(queued, request.Server ?? Environment.MachineName, cancellationToken))
        {
            throw new RunAlreadyCompletedException(queued);
        }

        // A retried or re-fetched run lists what this attempt saw, not what the interrupted one did.
        await runs.ClearRunFilesAsync(queued, cancellationToken);
        return queued;
    }

    private static string Describe(Exception e, string phase) =>
        e is OperationCanceledException
            ? $"cancelled while {phase}: the job was deleted or stopped, or its server shut down"
            : e.Message;

    private async Task<FindingChanges> MatchAsync(
        long runId, ReconciliationWindow window, IReadOnlyList<StoredMissing> missing, RunProgressReporter progress,
        CancellationToken cancellationToken)
    {
        var evaluated = 0L;
        var missingProviders = missing.Select(m => m.Provider).ToHashSet(StringComparer.Ordinal);
        await using var writer = await reconciliation.BeginFindingsAsync(runId, window, cancellationToken);
        await foreach (var order in reconciliation.ReadOrderEvidenceAsync(window, missingProviders, cancellationToken))
        {
            var businessDate = _calendar.DateOf(order.CreatedAt);
            foreach (var finding in _rules.Evaluate(order, window))
            {
                writer.Add(finding, businessDate);
            }

            if (++evaluated % 16_384 == 0)
            {
                await progress.RowsAsync(evaluated, cancellationToken);
            }
        }

        await foreach (var payment in reconciliation.ReadOrphanPaymentsAsync(window, cancellationToken))
        {
            writer.Add(MatchingRules.EvaluateOrphan(payment), _calendar.DateOf(payment.OccurredAt));
        }

        foreach (var compensated in await writer.FindCompensatedBreaksAsync(cancellationToken))
        {
            writer.Add(CompensatedButResolved(compensated), compensated.BusinessDate);
        }

        await progress.PhaseAsync("writing findings", evaluated, cancellationToken);
        return await writer.CommitAsync(cancellationToken);
    }

    private static Finding CompensatedButResolved(CompensatedBreak compensated)
    {
        var orderNo = compensated.OrderNo ?? compensated.RequestId;
        var detail = compensated.NowOwed is { } owed
            ? string.Create(CultureInfo.InvariantCulture,
                $"{compensated.Kind} compensation of {compensated.Amount:0.00} is {compensated.State}, but the break is now worth {owed:0.00}: recover the difference")
            : string.Create(CultureInfo.InvariantCulture,
                $"{compensated.Kind} compensation of {compensated.Amount:0.00} is {compensated.State}, but the break resolved (late delivery or provider refund): recover it");
        return new Finding(
            FindingIdentity.ForOrder(orderNo, FindingKind.CompensatedButResolved),
            FindingKind.CompensatedButResolved,
            compensated.OrderNo,
            compensated.Provider,
            compensated.ProviderTxnId,
            compensated.Vendor,
            ExpectedAmount: null,
            ChargedAmount: null,
            DeliveredQuantity: null,
            OrderedQuantity: null,
            compensated.Currency,
            CompensationAction.ManualReview,
            // Negative: money to get back, not to pay out.
            CompensationAmount: -(compensated.NowOwed is { } now ? compensated.Amount - now : compensated.Amount),
            detail);
    }
}
