namespace Reconciler.Storage.Runs;

/// <summary>
/// When a completed run announces <c>breaks.spike</c> for a kind: at least <see cref="Minimum"/> findings of it, and
/// its count (or its charged amount in one currency) more than <see cref="Factor"/> times the average over the latest
/// completed runs of up to <see cref="TrailingRuns"/> earlier business dates.
/// </summary>
public sealed record BreakSpikeRule(decimal Factor = 3m, int Minimum = 20, int TrailingRuns = 7)
{
    public static BreakSpikeRule Default { get; } = new();
}
