namespace Reconciler.Storage.Runs;

/// <summary>One finding as a run saw it change: new, still open, or resolved.</summary>
public sealed record RunChange(
    string FindingId,
    string Change,
    string Kind,
    DateOnly BusinessDate,
    string? OrderNo,
    string? Provider,
    string? Vendor,
    string? Currency,
    string CompensationAction,
    decimal? CompensationAmount);
