using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Reconciler.Core.Matching;
using Reconciler.Core.Time;
using Reconciler.Jobs.Importing;
using Reconciler.Reports;
using Reconciler.Reports.Model;
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
        var timings = new RunPhaseTimings();
        var phaseStart = Stopwatch.GetTimestamp();
        // Recognise every file before anything is written: an unknown file stops the run with nothing half-done.
        var planned = importer.Plan(request.Inbox, request.ForcedFormat, out var skippedEntries);
        foreach (var skipped in skippedEntries)
        {
            logger.LogInformation("Skipped archive entry {Entry}", skipped);
        }

        timings.AddSince("plan", phaseStart, planned.Count);
        await using var dateLock = await runs.LockDateAsync(request.Date, cancellationToken);
        var startedAt = DateTimeOffset.UtcNow;
        var runId = await runs.CreateRunAsync(request.Date, request.AsOf, request.RequestedBy, request.Reason, cancellationToken);
        try
        {
            var window = new ReconciliationWindow(
                request.Date, _calendar.StartOf(request.Date), _calendar.EndOf(request.Date), request.AsOf.ToUniversalTime());
            var seq = 0;
            var rowsImported = 0L;
            if (platformOrders.Enabled)
            {
                var imported = await platformOrders.ImportAsync(window, runId, cancellationToken);
                await runs.RecordFileAsync(runId, ++seq, imported.SourceName, imported.Sha256, imported.Outcome, cancellationToken);
                rowsImported += imported.Outcome.RowsImported;
            }

            // The first export of a date goes straight into platform_order (no staging, no merge sort).
            var ordersStraightIn = !await reconciliation.HasOrdersAsync(window, cancellationToken);
            var firstSeq = seq;
            await Parallel.ForEachAsync(
                ImportLanes(planned),
                new ParallelOptions { MaxDegreeOfParallelism = ImportParallelism, CancellationToken = cancellationToken },
                async (lane, laneCancellation) =>
                {
                    foreach (var index in lane)
                    {
                        var imported = await importer.ImportAsync(planned[index], runId, laneCancellation, timings, ordersStraightIn);
                        await runs.RecordFileAsync(runId, firstSeq + index + 1, imported.SourceName, imported.Sha256, imported.Outcome, laneCancellation);
                        Interlocked.Add(ref rowsImported, imported.Outcome.RowsImported);
                    }
                });

            if (rowsImported > 0)
            {
                phaseStart = Stopwatch.GetTimestamp();
                await runs.RefreshStatisticsAsync(cancellationToken);
                timings.AddSince("analyze", phaseStart);
            }

            var missing = await reconciliation.FindMissingSettlementsAsync(runId, window, options.ExpectedProviders, cancellationToken);
            var changes = await MatchAsync(runId, window, missing, timings, cancellationToken);
            logger.LogInformation(
                "Run {RunId} for {Date}: {New} new, {Open} still open, {Resolved} resolved findings; {Created} compensation requests created, {Withdrawn} withdrawn",
                runId, request.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), changes.New, changes.StillOpen, changes.Resolved, changes.RequestsCreated, changes.RequestsWithdrawn);

            phaseStart = Stopwatch.GetTimestamp();
            var report = await reportBuilder.BuildAsync(runId, request, window, startedAt, missing, cancellationToken);
            var outputs = ReportWriter.WriteAll(report, request.OutDir);
            await runs.CompleteRunAsync(runId, SummaryJsonWriter.TotalsJson(report), cancellationToken);
            timings.AddSince("report", phaseStart, report.Findings.Count + report.Resolved.Count);
            timings.Log(logger, runId);
            return new RunResult(runId, report, outputs);
        }
        catch (Exception e)
        {
            await runs.TryFailRunAsync(runId, e.Message);
            throw;
        }
    }

    // Files import side by side (one parses while PostgreSQL ingests another), bounded so memory stays flat.
    private static readonly int ImportParallelism = Math.Clamp(Environment.ProcessorCount, 2, 4);

    /// <summary>
    /// The planned entries (by index) split into lanes that may import side by side; each lane runs in plan order.
    /// Orders files share one lane: two exports naming the same orders would otherwise wait on each other's rows (or
    /// deadlock). Entries with the same bytes and name share a lane, so which copy counts as the duplicate does not
    /// depend on timing. Evidence lines have no unique key, so the other files cannot conflict.
    /// </summary>
    private static List<List<int>> ImportLanes(IReadOnlyList<PlannedEntry> planned)
    {
        var lanes = new List<List<int>>();
        var byKey = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < planned.Count; i++)
        {
            var entry = planned[i];
            var key = entry.Entry.Reader.Kind == Core.Evidence.EvidenceKind.Orders ? "orders" : entry.Sha256 + "\n" + entry.Entry.EntryName;
            if (!byKey.TryGetValue(key, out var lane))
            {
                lane = [];
                byKey[key] = lane;
                lanes.Add(lane);
            }

            lane.Add(i);
        }

        return lanes;
    }

    private async Task<FindingChanges> MatchAsync(
        long runId, ReconciliationWindow window, IReadOnlyList<StoredMissing> missing, RunPhaseTimings timings, CancellationToken cancellationToken)
    {
        var missingProviders = missing.Select(m => m.Provider).ToHashSet(StringComparer.Ordinal);
        await using var writer = await reconciliation.BeginFindingsAsync(runId, window, cancellationToken);
        // Evidence streams from PostgreSQL while the rules run on each row: the time waiting for the next row is
        // the evidence query's, the rest is the rules' (and the findings' COPY).
        var mark = Stopwatch.GetTimestamp();
        await foreach (var order in reconciliation.ReadOrderEvidenceAsync(window, missingProviders, cancellationToken))
        {
            mark = timings.AddSince("evidence", mark, 1);
            var businessDate = _calendar.DateOf(order.CreatedAt);
            foreach (var finding in _rules.Evaluate(order, window))
            {
                writer.Add(finding, businessDate);
            }

            mark = timings.AddSince("rules", mark);
        }

        mark = timings.AddSince("evidence", mark);
        await foreach (var payment in reconciliation.ReadOrphanPaymentsAsync(window, cancellationToken))
        {
            writer.Add(MatchingRules.EvaluateOrphan(payment), _calendar.DateOf(payment.OccurredAt));
        }

        mark = timings.AddSince("evidence", mark);
        foreach (var compensated in await writer.FindCompensatedBreaksAsync(cancellationToken))
        {
            writer.Add(CompensatedButResolved(compensated), compensated.BusinessDate);
        }

        var changes = await writer.CommitAsync(cancellationToken);
        timings.AddSince("findings", mark, writer.Count);
        return changes;
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
