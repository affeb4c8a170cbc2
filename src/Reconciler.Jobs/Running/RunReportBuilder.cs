using Reconciler.Core.Matching;
using Reconciler.Core.Time;
using Reconciler.Storage.Incidents;
using EvidenceTally = Reconciler.Storage.Reconciliation.EvidenceTally;
using Reconciler.Reports.Model;
using Reconciler.Storage.Reporting;
using Reconciler.Storage.Runs;
using StoredMissing = Reconciler.Storage.Reconciliation.MissingSettlement;

namespace Reconciler.Jobs.Running;

/// <summary>Gathers a run's figures from the database into the report model.</summary>
public sealed class RunReportBuilder(ReportStore store, RunStore runs, ReconcilerOptions options)
{
    /// <summary>The report shows this many quarantined lines; <c>reconciler quarantine list</c> shows them all.</summary>
    public const int QuarantineShown = 200;

    /// <summary>A quarantined line as the report shows it: cut to <c>Reconciler:Limits:ReportCellChars</c>, with a marker.</summary>
    private string Cut(string text) =>
        text.Length <= options.Limits.ReportCellChars
            ? text
            : Reconciler.Formats.Limits.InputLimits.Truncate(text, options.Limits.ReportCellChars) + " (reconciler quarantine list --full)";

    /// <summary>The reads of the run's findings its outputs will make, to be sent ahead by <see cref="BuildAsync"/>; dispose after writing.</summary>
    public FindingReads Reads(long runId) => new(store, runId);

    /// <summary>The date's settlement totals (cached with the files they were counted from; see <see cref="ReportStore.SettlementTotalsAsync"/>).</summary>
    public Task<IReadOnlyList<SettlementTotalsRow>> SettlementTotalsAsync(ReconciliationWindow window, CancellationToken cancellationToken) =>
        store.SettlementTotalsAsync(window, cancellationToken);

    public async Task<RunReport> BuildAsync(
        long runId, RunRequest request, ReconciliationWindow window, DateTimeOffset startedAt,
        IReadOnlyList<StoredMissing> missing, Task<IReadOnlyList<Incident>> incidentsTask, CancellationToken cancellationToken,
        EvidenceTally? tally = null, Task<IReadOnlyList<SettlementTotalsRow>>? settlementTotals = null, Func<Task>? incidentsGrouped = null,
        Action<ReportedFindings>? currentRead = null, FindingReads? reads = null, Action<Task>? mismatchesWritten = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(missing);
        ArgumentNullException.ThrowIfNull(incidentsTask);
        var zone = BusinessCalendar.FindZone(options.TimeZone);
        // Each query has its own connection: on a day of a million orders the settlement totals take seconds, and
        // PostgreSQL runs the queries side by side. The order and vendor totals were counted by the evidence merge of
        // this run when it passed over the whole day (a tally); without one they are queried.
        var counted = tally is { Complete: true };
        var filesTask = store.RunFilesAsync(runId, cancellationToken);
        var ordersTask = counted ? Task.FromResult(tally!.Orders) : store.OrderTotalsAsync(window, cancellationToken);
        var settlementsTask = settlementTotals ?? store.SettlementTotalsAsync(window, cancellationToken);
        var vendorsTask = counted ? Task.FromResult(tally!.Vendors) : store.VendorTotalsAsync(window, cancellationToken);
        // The findings themselves are not read here: each output streams them from the database in its own order as
        // it writes (a bad day's few hundred thousand, held whole, were most of a run's peak memory). Only their
        // counts and per-kind sums are.
        var countsTask = store.RunFindingCountsAsync(runId, cancellationToken);
        var kindRowsTask = store.RunKindTotalsAsync(runId, cancellationToken);
        var quarantineTask = store.RunQuarantineAsync(runId, QuarantineShown, cancellationToken);
        var previousTask = runs.PreviousRunAsync(runId, request.Date, cancellationToken);
        // The small queries are done before any read of the findings is sent ahead: a read sent ahead holds its
        // connection until the outputs are written, so nothing that must finish first may still wait for one. And
        // nothing leaves here while the incidents are still being grouped on their connection: the caller closes that
        // connection on the way out, and closing it under a running statement hangs.
        ReportFindingCounts counts;
        try
        {
            await Task.WhenAll(filesTask, ordersTask, vendorsTask, countsTask, kindRowsTask, quarantineTask, previousTask);
            counts = await countsTask;
        }
        catch
        {
            await Task.WhenAny(incidentsTask);
            throw;
        }

        reads ??= new FindingReads(store, runId);
        var current = new StoredFindings(reads, resolved: false, checked((int)(counts.New + counts.Open)), counts.New, counts.Open, counts.Pending);
        var resolved = new StoredFindings(reads, resolved: true, checked((int)counts.Resolved), 0, 0, counts.ResolvedPending);
        // Incidents are grouped on another connection for a second or two after the findings are committed: the
        // findings are sorted for report.html and summary.json meanwhile, and what needs only the findings
        // (mismatches.csv) is written.
        var ahead = Task.CompletedTask;
        if (currentRead is not null)
        {
            reads.Start(resolved: false, FindingOrder.LargestAmountFirst, cancellationToken);
            // summary.json's findings list is written from the same read (ReportWriter.WriteMismatchesAhead).
            ahead = Task.Run(() => currentRead(current), cancellationToken);
            if (counts.Resolved > 0)
            {
                reads.Start(resolved: true, FindingOrder.LargestAmountFirst, cancellationToken);
                reads.Start(resolved: true, FindingOrder.ByKey, cancellationToken);
            }
        }

        IReadOnlyList<Incident> incidents;
        try
        {
            incidents = await incidentsTask;
        }
        catch
        {
            await Task.WhenAny(ahead);
            throw;
        }

        // mismatches.csv may still be being written: report.html needs the incidents, not it, so a caller that takes
        // the write over (mismatchesWritten) starts report.html now and waits for it only to finish summary.json
        // (ReportWriter.WriteAll's mismatchesWritten).
        if (mismatchesWritten is null)
        {
            await ahead;
        }
        else
        {
            mismatchesWritten(ahead);
        }

        if (incidentsGrouped is not null)
        {
            await incidentsGrouped();
        }

        var files = await filesTask;
        var orders = await ordersTask;
        var settlements = await settlementsTask;
        var vendors = await vendorsTask;
        var kindRows = await kindRowsTask;
        var (quarantine, quarantinedTotal) = await quarantineTask;
        var previous = await previousTask;

        return new RunReport(
            runId,
            request.Date,
            request.AsOf,
            startedAt,
            DateTimeOffset.UtcNow,
            options.TimeZone,
            request.RequestedBy,
            request.Reason,
            previous,
            files.Select(f => new FileReport(f.SourceName, f.Format, f.Provider, f.Status, f.RowsImported, f.RowsQuarantined, f.ControlSummary, f.Detail, f.Sha256)).ToList(),
            missing.Select(m => new MissingSettlement(m.Provider, m.Date, m.Reason)).ToList(),
            orders.GroupBy(o => o.Currency, StringComparer.Ordinal)
                .Select(g => new OrderTotals(g.Key, g.Sum(o => o.Count), g.Sum(o => o.Amount)))
                .OrderBy(o => o.Currency, StringComparer.Ordinal)
                .ToList(),
            Channels(orders, settlements),
            vendors.Select(v => new VendorTotals(v.Vendor, v.Events, v.DeliveredQuantity, v.Failed, v.InFlight, v.Cost)).ToList(),
            kindRows.GroupBy(k => FindingKindNames.Parse(k.Kind))
                .OrderBy(g => g.Key)
                .Select(g => new KindTotals(
                    g.Key.ToName(),
                    g.Sum(k => k.Count),
                    PerCurrency(g.Where(k => k.ChargedAmounts > 0), k => k.Charged),
                    PerCurrency(g.Where(k => k.CompensationAmounts > 0), k => k.Compensation)))
                .ToList(),
            PerCurrency(kindRows.Where(k => k.CompensationAmounts > 0), k => k.Compensation),
            current,
            resolved,
            quarantine.Select(q => new QuarantineEntry(q.SourceName, q.LineNo, Cut(q.Reason), Cut(q.RawText))).ToList(),
            quarantinedTotal,
            incidents.Select(i => new IncidentReport(
                i.Kind, i.Vendor, i.Provider, TimeZoneInfo.ConvertTime(i.From, zone), TimeZoneInfo.ConvertTime(i.To, zone), i.Findings,
                i.Amount, i.Currency, i.Amounts.Select(a => new CurrencyAmount(a.Currency ?? string.Empty, a.Amount)).ToList(), i.Detail)).ToList());
    }

    private static List<ChannelTotals> Channels(IReadOnlyList<OrderTotalsRow> orders, IReadOnlyList<SettlementTotalsRow> settlements)
    {
        var keys = orders.Select(o => (Provider: o.Channel ?? string.Empty, o.Currency))
            .Concat(settlements.Select(s => (s.Provider, s.Currency)))
            .Distinct()
            .OrderBy(k => k.Provider, StringComparer.Ordinal)
            .ThenBy(k => k.Currency, StringComparer.Ordinal);
        return keys.Select(k =>
        {
            var s = settlements.FirstOrDefault(x => x.Provider == k.Provider && x.Currency == k.Currency);
            var o = orders.Where(x => x.Channel == k.Provider && x.Currency == k.Currency).ToList();
            return new ChannelTotals(
                k.Provider, k.Currency, s?.Payments ?? 0, s?.PaymentGross ?? 0, s?.Refunds ?? 0, s?.RefundAmount ?? 0,
                s?.Chargebacks ?? 0, s?.ChargebackAmount ?? 0, s?.Fees ?? 0, o.Sum(x => x.Count), o.Sum(x => x.Amount));
        }).ToList();
    }

    private static List<CurrencyAmount> PerCurrency(IEnumerable<RunKindTotalsRow> rows, Func<RunKindTotalsRow, decimal> amount) =>
        rows.GroupBy(k => k.Currency, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CurrencyAmount(g.Key, g.Sum(amount)))
            .ToList();

    /// <summary>A run's findings as stored: counted once, streamed from <c>run_finding</c> on every read.</summary>
    private sealed class StoredFindings(FindingReads reads, bool resolved, int count, long firstSeen, long open, long pending)
        : ReportedFindings(count, firstSeen, open, pending)
    {
        public override IEnumerable<ReportedFinding> Read(FindingOrder order) => reads.Read(resolved, order).Select(ToReported);
    }

    private static ReportedFinding ToReported(RunFindingRow row) =>
        new(
            new Finding(
                row.FindingId,
                FindingKindNames.Parse(row.Kind),
                row.OrderNo,
                row.Provider,
                row.ProviderTxnId,
                row.Vendor,
                row.ExpectedAmount,
                row.ChargedAmount,
                row.DeliveredQuantity,
                row.OrderedQuantity,
                row.Currency,
                CompensationActionNames.Parse(row.CompensationAction),
                row.CompensationAmount,
                row.Detail),
            row.Change,
            DateOnly.FromDateTime(row.BusinessDate));
}
