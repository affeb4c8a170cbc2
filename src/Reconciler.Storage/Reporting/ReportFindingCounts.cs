namespace Reconciler.Storage.Reporting;

/// <summary>A run's findings counted: those it still sees (new, open; pending among them) and those it resolved.</summary>
public sealed record ReportFindingCounts(long New, long Open, long Pending, long Resolved, long ResolvedPending);
