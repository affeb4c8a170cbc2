namespace Reconciler.Reports.Model;

/// <summary>An input line that could not be parsed: where it was, why, and its text as read.</summary>
public sealed record QuarantineEntry(string File, long Line, string Reason, string RawText);
