namespace Reconciler.Jobs.Running;

/// <summary>One phase of a run as this process saw it: its figure, how far the figure moved, and for how long.</summary>
/// <param name="Rows">The run's rows figure at the phase's last report (what the run row shows).</param>
/// <param name="RowsMoved">How far that figure moved during the phase: the rows this phase itself did.</param>
/// <param name="Finished">False while the phase is the one the run is in.</param>
public sealed record PhaseProgress(string Phase, long Rows, long RowsMoved, TimeSpan Elapsed, bool Finished)
{
    /// <summary>The rows this phase did per second of it; null when it moved no rows (its figure is carried over).</summary>
    public double? RowsPerSecond => RowsMoved > 0 && Elapsed > TimeSpan.Zero ? RowsMoved / Elapsed.TotalSeconds : null;
}
