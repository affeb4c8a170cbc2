namespace Reconciler.Jobs.Running;

/// <summary>One progress report of a run as it happens in this process: the phase it is in and the rows done so far.</summary>
/// <param name="Rows">The figure the run row shows for the phase (rows imported, orders matched, findings written).</param>
public readonly record struct RunProgressSnapshot(long RunId, string Phase, long Rows);
