using Reconciler.Core.Matching;

namespace Reconciler.Reports.Model;

/// <summary>A finding as a run reports it: new (first seen now), open (seen before, still there) or resolved (gone now).</summary>
public sealed record ReportedFinding(Finding Finding, string Status, DateOnly BusinessDate);
