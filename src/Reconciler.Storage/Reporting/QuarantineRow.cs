namespace Reconciler.Storage.Reporting;

/// <summary>A quarantined line with the file it came from.</summary>
public sealed record QuarantineRow(long FileId, string SourceName, long LineNo, string Reason, string RawText, DateTime ImportedAt);
