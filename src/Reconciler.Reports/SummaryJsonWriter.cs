using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Reconciler.Core.Matching;
using Reconciler.Reports.Model;

namespace Reconciler.Reports;

/// <summary>Writes <c>summary.json</c>: every number of a run's report and its findings, for machines and dashboards.</summary>
public static class SummaryJsonWriter
{
    public const string FileName = "summary.json";

    /// <summary>Raised when the document's shape changes in a way a reader must know about.</summary>
    public const int FormatVersion = 1;

    // Properties come out in declaration order (records), so the document's order is stable from run to run.
    // Non-ASCII letters (Chinese provider columns, merchant names) stay readable; <, >, & and quotes are still escaped.
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NewLine = "\n",
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    public static void Write(RunReport report, Stream output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        JsonSerializer.Serialize(output, ToDocument(report, withFindings: true), Options);
    }

    /// <summary>
    /// The same document without the findings lists (their counts stay): what a run keeps in the database, small
    /// whatever the day's size; the lists are in the run's findings tables and in summary.json.
    /// </summary>
    public static string TotalsJson(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonSerializer.Serialize(ToDocument(report, withFindings: false), Options);
    }

    private static SummaryDocument ToDocument(RunReport report, bool withFindings) =>
        new(
            FormatVersion,
            report.IncidentList,
            new RunSection(
                report.RunId,
                report.BusinessDate,
                report.AsOf,
                report.StartedAt,
                report.FinishedAt,
                report.TimeZone,
                report.RequestedBy,
                report.Reason,
                report.PreviousRunId),
            report.Files,
            report.MissingSettlements,
            report.Orders,
            report.Channels,
            report.Vendors,
            report.Kinds,
            report.CompensationTotal,
            new FindingCounts(
                report.Findings.New,
                report.Findings.Open,
                report.Resolved.Count,
                report.Findings.Count),
            new QuarantineSection(
                report.QuarantinedTotal,
                [.. report.Files.Where(f => f.Quarantined > 0).Select(f => new QuarantinedFile(f.Name, f.Quarantined))]),
            // Rows made as they are read and written: a run's findings stream from the database, never held whole.
            withFindings ? report.Findings.Read(FindingOrder.ByKey).Select(ToRow) : [],
            withFindings ? report.Resolved.Read(FindingOrder.ByKey).Select(ToRow) : []);

    private static FindingRow ToRow(ReportedFinding reported)
    {
        var f = reported.Finding;
        return new FindingRow(
            f.FindingId,
            f.OrderNo,
            f.Kind.ToName(),
            f.Provider,
            f.ProviderTxnId,
            f.Vendor,
            f.ExpectedAmount,
            f.ChargedAmount,
            f.DeliveredQuantity,
            f.OrderedQuantity,
            f.Currency,
            f.Action.ToName(),
            f.IsAutomatic,
            f.CompensationAmount,
            reported.Status,
            reported.BusinessDate,
            f.Detail);
    }

    private sealed record SummaryDocument(
        int FormatVersion,
        IReadOnlyList<IncidentReport> Incidents,
        RunSection Run,
        IReadOnlyList<FileReport> Files,
        IReadOnlyList<MissingSettlement> MissingSettlements,
        IReadOnlyList<OrderTotals> Orders,
        IReadOnlyList<ChannelTotals> Channels,
        IReadOnlyList<VendorTotals> Vendors,
        IReadOnlyList<KindTotals> Kinds,
        IReadOnlyList<CurrencyAmount> CompensationTotal,
        FindingCounts FindingCounts,
        QuarantineSection Quarantined,
        IEnumerable<FindingRow> Findings,
        IEnumerable<FindingRow> Resolved);

    private sealed record RunSection(
        long RunId,
        DateOnly BusinessDate,
        DateTimeOffset AsOf,
        DateTimeOffset StartedAt,
        DateTimeOffset FinishedAt,
        string TimeZone,
        string RequestedBy,
        string? Reason,
        long? PreviousRunId);

    private sealed record FindingCounts(long New, long Open, long Resolved, long Total);

    private sealed record QuarantineSection(long Total, IReadOnlyList<QuarantinedFile> ByFile);

    private sealed record QuarantinedFile(string File, long Lines);

    private sealed record FindingRow(
        string FindingId,
        string? OrderNo,
        string Kind,
        string? Provider,
        string? ProviderTxnId,
        string? Vendor,
        decimal? ExpectedAmount,
        decimal? ChargedAmount,
        int? DeliveredQuantity,
        int? OrderedQuantity,
        string? Currency,
        string CompensationAction,
        bool Automatic,
        decimal? CompensationAmount,
        string Status,
        DateOnly BusinessDate,
        string Detail);
}
