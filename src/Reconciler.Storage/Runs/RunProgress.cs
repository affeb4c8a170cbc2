namespace Reconciler.Storage.Runs;

/// <summary>How far a run has got: its phase and the rows that phase has done, as of <see cref="UpdatedAt"/>.</summary>
public sealed record RunProgress(string? Phase, long Rows, DateTimeOffset? UpdatedAt);
