namespace Reconciler.Reports.Model;

/// <summary>One input file a run looked at; <see cref="Status"/> is imported, duplicate, rejected, no_bill or unrecognised.</summary>
public sealed record FileReport(
    string Name,
    string? Format,
    string? Provider,
    string Status,
    long Rows,
    long Quarantined,
    string? ControlSummary,
    string? Detail,
    string Sha256);
