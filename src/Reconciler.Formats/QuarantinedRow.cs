namespace Reconciler.Formats;

/// <summary>A line that could not be read: kept with its raw text (decoded) and a reason naming the field.</summary>
public sealed record QuarantinedRow(long LineNumber, string RawText, string Reason) : ParsedRow(LineNumber);
