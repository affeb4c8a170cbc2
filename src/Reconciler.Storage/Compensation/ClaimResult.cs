namespace Reconciler.Storage.Compensation;

/// <summary>The body of a claim: the requests handed out (none when nothing is due).</summary>
public sealed record ClaimResult(IReadOnlyList<ClaimedCompensation> Items);
