namespace Reconciler.Reports.Model;

/// <summary>Everything one reconciliation run reports: what it took in, the totals it saw, and the findings it flagged.</summary>
public sealed record RunReport(
    long RunId,
    DateOnly BusinessDate,
    DateTimeOffset AsOf,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string TimeZone,
    string RequestedBy,
    string? Reason,
    long? PreviousRunId,
    IReadOnlyList<FileReport> Files,
    IReadOnlyList<MissingSettlement> MissingSettlements,
    IReadOnlyList<OrderTotals> Orders,
    IReadOnlyList<ChannelTotals> Channels,
    IReadOnlyList<VendorTotals> Vendors,
    IReadOnlyList<KindTotals> Kinds,
    IReadOnlyList<CurrencyAmount> CompensationTotal,
    ReportedFindings Findings,
    ReportedFindings Resolved,
    IReadOnlyList<QuarantineEntry> Quarantined,
    long QuarantinedTotal,
    IReadOnlyList<IncidentReport>? Incidents = null)
{
    /// <summary>The incidents, none when the run computed none.</summary>
    public IReadOnlyList<IncidentReport> IncidentList => Incidents ?? [];
}
