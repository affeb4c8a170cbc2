using Reconciler.Reports.Model;

namespace Reconciler.Jobs.Running;

/// <summary>A completed run: its report and the files written.</summary>
public sealed record RunResult(long RunId, RunReport Report, IReadOnlyList<string> Outputs);
