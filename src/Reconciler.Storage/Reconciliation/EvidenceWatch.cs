using Reconciler.Core.Matching;

namespace Reconciler.Storage.Reconciliation;

/// <summary>
/// Lets a rerun over unchanged evidence skip the orders that cannot break. A full look at a date keeps the orders
/// <see cref="CannotBreak"/> does not clear (the watch list) with a stamp of the imported files it saw; the next look
/// at the date, when no file came since and the policy is the same, reads only the watch list (and the orders carried
/// over from earlier dates) and takes the date's totals from the stamp.
/// </summary>
public sealed class EvidenceWatch(long runId, Func<OrderEvidence, bool> cannotBreak, string policy)
{
    public long RunId => runId;

    public Func<OrderEvidence, bool> CannotBreak => cannotBreak;

    /// <summary>What the clean test depends on besides the evidence: the date's bounds and the amount tolerance.</summary>
    public string Policy => policy;

    /// <summary>Set by the read: whether it looked at the watch list only, and the run whose full look made it.</summary>
    public long? WatchedSince { get; internal set; }

    /// <summary>Orders of the date the last full look saw, and how many of them are on the watch list.</summary>
    public long Orders { get; internal set; }

    public long Watched { get; internal set; }

    /// <summary>Set by the read: the watched orders' evidence was read back as the full look kept it, not read again.</summary>
    public bool EvidenceKept { get; internal set; }
}
