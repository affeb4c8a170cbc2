namespace Reconciler.Storage.Reporting;

/// <summary>One inbox file as a run saw it, with what its import stored.</summary>
public sealed record RunFileRow(
    string SourceName, string? Format, string? Provider, string Status, long RowsImported, long RowsQuarantined,
    string? ControlSummary, string? Detail, string Sha256);
