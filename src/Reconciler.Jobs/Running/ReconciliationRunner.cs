using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using Reconciler.Core.Matching;
using Reconciler.Core.Time;
using Reconciler.Jobs.Importing;
using Reconciler.Reports;
using Reconciler.Reports.Model;
using Reconciler.Storage;
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
    /// <param name="observer">
    /// Hears every phase change and rows update as it happens (the run row only once a second), import rows also while a
    /// file is being read; called from the run's own threads, several at once while files import, so it must be quick.
    /// </param>
    public async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken, IProgress<RunProgressSnapshot>? observer = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var timings = new RunPhaseTimings();
        var phaseStart = Stopwatch.GetTimestamp();
        // Recognise every file before anything is written: an unknown file stops the run with nothing half-done.
        var plan = importer.Plan(request.Inbox, request.ForcedFormat);
        foreach (var skipped in plan.SkippedEntries)
        {
            logger.LogInformation("Skipped archive entry {Entry}", skipped);
        }

        timings.AddSince("plan", phaseStart, plan.Entries.Count);
        CrashPoints.Reach("planned");
        await using var dateLock = await runs.LockDateAsync(request.Date, cancellationToken);
        await runs.FailAbandonedRunsAsync(request.Date, cancellationToken, resuming: request.RunId);
        var startedAt = DateTimeOffset.UtcNow;
        var runId = await StartAsync(request, cancellationToken);
        var progress = new RunProgressReporter(runs, runId, TimeProvider.System, observer);
        Task<IncidentGrouping>? grouping = null;
        // mismatches.csv's write, once the report builder hands it over still running (report.html starts beside it).
        Task? mismatchesWritten = null;
        try
        {
            var window = new ReconciliationWindow(
                request.Date, _calendar.StartOf(request.Date), _calendar.EndOf(request.Date), request.AsOf.ToUniversalTime());
            CrashPoints.Reach("run-created");
            var seq = 0;
            var rowsImported = 0L;
            // Rows read so far from the files being imported, not yet counted in rowsImported.
            var rowsReading = 0L;
            await progress.PhaseAsync("importing", 0, cancellationToken);
            var planned = plan.Entries;
            var lanes = ImportLanes(planned);
            await using var statistics = new StatisticsRefresh(runs, planned.Select(e => e.Entry.Reader.Kind), lanes.Count, ImportParallelism, cancellationToken);
            if (platformOrders.Enabled)
            {
                var imported = await platformOrders.ImportAsync(window, runId, cancellationToken);
                statistics.Added(Core.Evidence.EvidenceKind.Orders, imported.Outcome.RowsImported);
                await runs.RecordFileAsync(runId, ++seq, imported.SourceName, imported.Sha256, imported.Outcome, cancellationToken);
                rowsImported += imported.Outcome.RowsImported;
                await progress.RowsAsync(rowsImported, cancellationToken);
            }

            foreach (var refused in plan.Refused)
            {
                logger.LogWarning("{Reason}", refused.Reason);
                await runs.RecordFileAsync(runId, ++seq, refused.SourceName, refused.Sha256,
                    new FileImportOutcome(FileImportOutcome.Rejected, null, 0, 0, refused.Reason), cancellationToken);
            }

            // The first export of a date goes straight into platform_order (no staging, no merge sort).
            var ordersStraightIn = !await reconciliation.HasOrdersAsync(window, cancellationToken);
            var firstSeq = seq;
            using var progressGate = new SemaphoreSlim(1, 1);
            try
            {
                await Parallel.ForEachAsync(
                    lanes,
                    new ParallelOptions { MaxDegreeOfParallelism = ImportParallelism, CancellationToken = cancellationToken },
                    async (lane, laneCancellation) =>
                    {
                        foreach (var index in lane)
                        {
                            CrashPoints.Reach("before-import");
                            // Only this lane's thread calls back, while the file is read; a second attempt counts from 0 again.
                            var read = 0L;
                            var imported = await importer.ImportAsync(planned[index], runId, laneCancellation, timings, ordersStraightIn, rows =>
                            {
                                var reading = Interlocked.Add(ref rowsReading, rows - read);
                                read = rows;
                                progress.Observe(Interlocked.Read(ref rowsImported) + reading);
                            });
                            // The rows read turn into the rows imported (fewer when lines were quarantined or the file rejected).
                            var done = Interlocked.Add(ref rowsImported, imported.Outcome.RowsImported) + Interlocked.Add(ref rowsReading, -read);
                            var outcome = imported.Outcome;
                            statistics.FileDone(planned[index].Entry.Reader.Kind, outcome.RowsImported);
                            if (outcome is { Status: FileImportOutcome.Duplicate, FileId: { } earlier } &&
                                await runs.AdoptScannedFileAsync(runId, earlier, laneCancellation) is { } adopted)
                            {
                                outcome = adopted;
                            }

                            await runs.RecordFileAsync(runId, firstSeq + index + 1, imported.SourceName, imported.Sha256, outcome, laneCancellation);
                            // The progress reporter is not meant for two writers at once.
                            await progressGate.WaitAsync(laneCancellation);
                            try
                            {
                                await progress.RowsAsync(done, laneCancellation);
                            }
                            finally
                            {
                                progressGate.Release();
                            }

                            CrashPoints.Reach("imported");
                        }

                        statistics.LaneDone();
                    });
            }
            catch
            {
                await statistics.AbandonAsync();
                throw;
            }

            if (rowsImported > 0)
            {
                // What is left of the statistics' refresh: the tables whose last file was imported last.
                await progress.PhaseAsync("analysing", rowsImported, cancellationToken);
                phaseStart = Stopwatch.GetTimestamp();
                await statistics.CompleteAsync();
                timings.AddSince("analyze", phaseStart);
            }

            // A run that imported nothing new lets go of the tables it held for the refresh.
            await statistics.DisposeAsync();

            await progress.PhaseAsync("matching", 0, cancellationToken);
            CrashPoints.Reach("statistics");
            var missing = await reconciliation.FindMissingSettlementsAsync(runId, window, options.ExpectedProviders, cancellationToken);
            CrashPoints.Reach("missing-settlements");
            using var tally = new EvidenceTally();
            // The report's settlement totals depend only on the imported lines: they are counted while PostgreSQL
            // merges the findings on another connection (a core the merge leaves idle), or read back from the cache.
            // So are the incidents' delivery attempts and vendor_down's windows, which need the attempts the evidence
            // merge counted and no finding: both start as soon as the evidence is read.
            Task<IReadOnlyList<Storage.Reporting.SettlementTotalsRow>>? settlements = null;
            var changes = await MatchAsync(runId, window, missing, tally, progress, timings, () =>
            {
                settlements = reportBuilder.SettlementTotalsAsync(window, cancellationToken);
                grouping = incidents.PrepareAsync(
                    runId, window, options.Matching.HoldLimit, missing, options.Incidents, cancellationToken, tally.Attempts);
            }, cancellationToken);
            CrashPoints.Reach("findings-committed");
            logger.LogInformation(
                "Run {RunId} for {Date}: {New} new, {Open} still open, {Resolved} resolved findings; {Created} compensation requests created, {Withdrawn} withdrawn",
                runId, request.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), changes.New, changes.StillOpen, changes.Resolved, changes.RequestsCreated, changes.RequestsWithdrawn);

            await progress.PhaseAsync("grouping incidents", changes.New + changes.StillOpen + changes.Resolved, cancellationToken);
            phaseStart = Stopwatch.GetTimestamp();
            // Incidents are grouped on one connection while the report reads the run's findings and files on others.
            await using var incidentGrouping = await grouping!;
            var grouped = incidentGrouping.CompleteAsync(cancellationToken);
            await using var reads = reportBuilder.Reads(runId);
            // The outputs are stored as each is written, in the transaction that completes the run.
            await using var storing = new OutputStoring(await runs.BeginCompletionAsync(runId, cancellationToken), cancellationToken);
            var gzipCopies = storing.Copies;
            var report = await reportBuilder.BuildAsync(
                runId, request, window, startedAt, missing, grouped, cancellationToken, tally, settlements,
                () => progress.PhaseAsync("reporting", changes.New + changes.StillOpen + changes.Resolved, cancellationToken),
                current => ReportWriter.WriteMismatchesAhead(current, request.OutDir, gzipCopies), reads,
                written => mismatchesWritten = written);
            CrashPoints.Reach("report-built");
            if (incidentGrouping.CopiedFrom is { } copiedFrom)
            {
                logger.LogInformation(
                    "Run {RunId}: the incidents are run {From}'s, grouped from the same findings, files and settings", runId, copiedFrom);
            }

            var outputs = ReportWriter.WriteAll(
                report, request.OutDir, CrashPoints.Reach, mismatchesAhead: true, gzipCopies, mismatchesWritten);
            await storing.CompleteAsync(outputs, SummaryJsonWriter.TotalsJson(report), cancellationToken);
            CrashPoints.Reach("run-completed");
            timings.AddSince("report", phaseStart, report.Findings.Count + report.Resolved.Count);
            timings.Log(logger, runId);
            return new RunResult(runId, report, outputs);
        }
        catch (Exception e)
        {
            // A queued run's job decides between failed and queued for a retry; the CLI's own run fails here.
            var reason = Describe(e, progress.Phase);
            await AbandonAsync(grouping);
            if (!string.IsNullOrWhiteSpace(request.OutDir))
            {
                if (mismatchesWritten is not null)
                {
                    await Task.WhenAny(mismatchesWritten);
                }

                ReportWriter.DeleteTemporaries(request.OutDir);
            }

            _ = request.RunId is null ? await runs.TryFailRunAsync(runId, reason) : await runs.TryRecordErrorAsync(runId, reason);
            throw;
        }
    }

    /// <summary>Closes the incidents' connection of a run that failed before grouping them (its transaction rolls back).</summary>
    private static async Task AbandonAsync(Task<IncidentGrouping>? grouping)
    {
        if (grouping is null)
        {
            return;
        }

        try
        {
            await (await grouping).DisposeAsync();
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            // The run's own error is the one to report; this one is only its echo on the second connection.
        }
    }

    // Files import side by side (one parses while PostgreSQL ingests another), bounded so memory stays flat.
    private static readonly int ImportParallelism = Math.Clamp(Environment.ProcessorCount, 2, 4);

    /// <summary>
    /// The planned entries (by index) split into lanes that may import side by side; each lane runs in plan order.
    /// Orders files share one lane: two exports naming the same orders would otherwise wait on each other's rows (or
    /// deadlock). Entries with the same bytes and name share a lane, so which copy counts as the duplicate does not
    /// depend on timing. Evidence lines have no unique key, so the other files cannot conflict.
    /// <para>
    /// The lanes start largest first (by their entries' bytes; equal ones in plan order): in plan order, the inbox's
    /// last big file could start when the others were nearly done and import alone while the other core idled.
    /// </para>
    /// </summary>
    internal static List<List<int>> ImportLanes(IReadOnlyList<PlannedEntry> planned)
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

        // OrderByDescending is a stable sort: lanes of equal weight keep plan order.
        return [.. lanes.OrderByDescending(lane => lane.Sum(i => planned[i].Bytes))];
    }

    /// <summary>Imports what is new in the inbox ahead of any run (the <c>inbox-scan</c> job); the next run of a date adopts these files.</summary>
    public async Task<IReadOnlyList<ImportedEntry>> ScanInboxAsync(string inbox, CancellationToken cancellationToken)
    {
        var plan = importer.Plan(inbox, forcedFormat: null);
        foreach (var refused in plan.Refused)
        {
            // Recorded as rejected by the next run of a date, which plans the inbox again.
            logger.LogWarning("{Reason}", refused.Reason);
        }

        var imported = new List<ImportedEntry>();
        foreach (var entry in plan.Entries)
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
        long runId, ReconciliationWindow window, IReadOnlyList<StoredMissing> missing, EvidenceTally tally,
        RunProgressReporter progress, RunPhaseTimings timings, Action afterEvidence, CancellationToken cancellationToken)
    {
        var evaluated = 0L;
        var missingProviders = missing.Select(m => m.Provider).ToHashSet(StringComparer.Ordinal);
        // A rerun over evidence no file has changed since looks again only at the orders that could still break.
        var watch = new EvidenceWatch(runId, _rules.CannotBreak, string.Create(CultureInfo.InvariantCulture,
            $"{window.Bounds}/{options.Matching.AmountTolerance}"));
        await using var writer = await reconciliation.BeginFindingsAsync(runId, window, cancellationToken);
        // The orphan payments (a few thousand) are read on their own connection while the evidence merge runs: from its
        // first order on, once the merge's own staging (which it waits for) is done.
        Task<List<PaymentEvidence>>? orphans = null;
        // Evidence streams from PostgreSQL while the rules run on each row: the time waiting for the next row is
        // the evidence query's, the rest is the rules' (and the findings' COPY).
        // Summed here and added to the timings once the loop ends: a lock and two dictionary lookups per order were the
        // evidence loop's own overhead, on the one thread every order passes through.
        var mark = Stopwatch.GetTimestamp();
        long evidenceTicks = 0, rulesTicks = 0;
        await foreach (var order in reconciliation.ReadOrderEvidenceAsync(window, missingProviders, cancellationToken, tally, watch))
        {
            var now = Stopwatch.GetTimestamp();
            evidenceTicks += now - mark;
            mark = now;
            if (orphans is null && watch.WatchedSince is null)
            {
                // A full look adds its findings at the pace of the evidence: they merge beside it, a chunk at a time.
                writer.MergeInChunks();
            }

            orphans ??= ReadOrphansAsync(window, cancellationToken);
            var businessDate = _calendar.DateOf(order.CreatedAt);
            foreach (var finding in _rules.Evaluate(order, window))
            {
                writer.Add(finding, businessDate);
            }

            if (++evaluated % 16_384 == 0)
            {
                await progress.RowsAsync(evaluated, cancellationToken);
            }

            now = Stopwatch.GetTimestamp();
            rulesTicks += now - mark;
            mark = now;
            if (evaluated % 256 == 0)
            {
                CrashPoints.Reach("evidence");
            }
        }

        timings.Add("evidence", evidenceTicks, evaluated);
        timings.Add("rules", rulesTicks);
        // The run row gets the final count with the next phase; an observer's matching line ends on it.
        progress.Observe(evaluated);
        // Beside the merge of the findings left (an outage day's burst of findings merges here, 3-6 s) rather than after it.
        afterEvidence();

        mark = timings.AddSince("evidence", mark);
        if (watch.WatchedSince is { } since)
        {
            logger.LogInformation(
                "Run {RunId}: no file changed the evidence of {Date} since run {Since}; looked again at the {Watched} of its {Orders} orders that could still break{Kept}",
                runId, window.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), since, watch.Watched, watch.Orders,
                watch.EvidenceKept ? ", with the evidence that run kept" : string.Empty);
        }

        foreach (var payment in await (orphans ?? ReadOrphansAsync(window, cancellationToken)))
        {
            writer.Add(MatchingRules.EvaluateOrphan(payment), _calendar.DateOf(payment.OccurredAt));
        }

        mark = timings.AddSince("evidence", mark);
        CrashPoints.Reach("orphans");
        await writer.ForEachCompensatedBreakAsync(
            compensated => writer.Add(CompensatedButResolved(compensated), compensated.BusinessDate), cancellationToken);

        await progress.PhaseAsync("writing findings", evaluated, cancellationToken);
        var changes = await writer.CommitAsync(cancellationToken);
        timings.AddSince("findings", mark, writer.Count);
        return changes;
    }

    private async Task<List<PaymentEvidence>> ReadOrphansAsync(ReconciliationWindow window, CancellationToken cancellationToken)
    {
        // Off the caller's thread at once: the caller goes on to start the evidence merge.
        await Task.Yield();
        var payments = new List<PaymentEvidence>();
        await foreach (var payment in reconciliation.ReadOrphanPaymentsAsync(window, cancellationToken))
        {
            payments.Add(payment);
        }

        return payments;
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
