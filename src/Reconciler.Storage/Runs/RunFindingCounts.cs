namespace Reconciler.Storage.Runs;

/// <summary>A run's findings by what the run did with them.</summary>
public sealed record RunFindingCounts(long New, long Open, long Resolved);
