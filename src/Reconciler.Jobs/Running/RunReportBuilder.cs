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

    /// <summary>The date's settlement totals (cached with the files they were counted from; see <see cref="ReportStore.SettlementTotalsAsync"/>).</summary>
    public Task<IReadOnlyList<SettlementTotalsRow>> SettlementTotalsAsync(ReconciliationWindow window, CancellationToken cancellationToken) =>
        store.SettlementTotalsAsync(window, cancellationToken);

    public async Task<RunReport> BuildAsync(
        long runId, RunRequest request, ReconciliationWindow window, DateTimeOffset startedAt,
        IReadOnlyList<StoredMissing> missing, Task<IReadOnlyList<Incident>> incidentsTask, CancellationToken cancellationToken,
        EvidenceTally? tally = null, Task<IReadOnlyList<SettlementTotalsRow>>? settlementTotals = null, Func<Task>? incidentsGrouped = null,
        Action<IReadOnlyList<ReportedFinding>>? currentRead = null)
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
        // Providers, vendors, currencies and statuses repeat on every finding: each distinct value is kept once.
        var pool = new HashSet<string>(StringComparer.Ordinal);
        var findingsTask = store.RunFindingsAsync(runId, row => ToReported(row, pool), cancellationToken);
        var quarantineTask = store.RunQuarantineAsync(runId, QuarantineShown, cancellationToken);
        var previousTask = runs.PreviousRunAsync(runId, request.Date, cancellationToken);
        // The findings come back before the incidents are grouped (a second or two at 100k findings): what needs only
        // them (mismatches.csv) is done in that time.
        List<ReportedFinding>? current = null;
        if (currentRead is not null)
        {
            current = (await findingsTask).Where(f => f.Status != "resolved").ToList();
            currentRead(current);
        }

        var incidents = await incidentsTask;
        if (incidentsGrouped is not null)
        {
            await incidentsGrouped();
        }

        await Task.WhenAll(filesTask, ordersTask, settlementsTask, vendorsTask, findingsTask, quarantineTask, previousTask);
        var files = await filesTask;
        var orders = await ordersTask;
        var settlements = await settlementsTask;
        var vendors = await vendorsTask;
        var findings = await findingsTask;
        var (quarantine, quarantinedTotal) = await quarantineTask;
        var previous = await previousTask;

        current ??= findings.Where(f => f.Status != "resolved").ToList();
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
            current.GroupBy(f => f.Finding.Kind)
                .OrderBy(g => g.Key)
                .Select(g => new KindTotals(
                    g.Key.ToName(),
                    g.Count(),
                    PerCurrency(g, f => f.ChargedAmount),
                    PerCurrency(g.Where(f => f.Finding.IsAutomatic), f => f.CompensationAmount)))
                .ToList(),
            PerCurrency(current.Where(f => f.Finding.IsAutomatic), f => f.CompensationAmount),
            current,
            findings.Where(f => f.Status == "resolved").ToList(),
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

    private static List<CurrencyAmount> PerCurrency(IEnumerable<ReportedFinding> findings, Func<Finding, decimal?> amount) =>
        findings.Where(f => amount(f.Finding) is not null)
            .GroupBy(f => f.Finding.Currency ?? string.Empty, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CurrencyAmount(g.Key, g.Sum(f => amount(f.Finding)!.Value)))
            .ToList();

    private static ReportedFinding ToReported(RunFindingRow row, HashSet<string> pool) =>
        new(
            new Finding(
                row.FindingId,
                FindingKindNames.Parse(row.Kind),
                row.OrderNo,
                Pooled(row.Provider, pool),
                row.ProviderTxnId,
                Pooled(row.Vendor, pool),
                row.ExpectedAmount,
                row.ChargedAmount,
                row.DeliveredQuantity,
                row.OrderedQuantity,
                Pooled(row.Currency, pool),
                CompensationActionNames.Parse(row.CompensationAction),
                row.CompensationAmount,
                row.Detail),
            Pooled(row.Change, pool),
            DateOnly.FromDateTime(row.BusinessDate));

    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    private static string? Pooled(string? value, HashSet<string> pool)
    {
        if (value is null)
        {
            return null;
        }

        if (pool.TryGetValue(value, out var kept))
        {
            return kept;
        }

        pool.Add(value);
        return value;
    }
}
