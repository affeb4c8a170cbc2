namespace Reconciler.Core.Matching;

/// <summary>The kinds of break DESIGN.md's matching table defines, plus the hand-off's recovery kind.</summary>
public enum FindingKind
{
    DuplicateCharge,
    ChargedNotDelivered,
    PartiallyDelivered,
    DeliveredWrongAccount,
    AmountMismatch,
    DeliveredNotCharged,
    OrphanCharge,
    Pending,

    /// <summary>A compensation went out (or was claimed) for a break that later resolved by itself.</summary>
    CompensatedButResolved,
}
