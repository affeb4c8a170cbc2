namespace Reconciler.Core.Evidence;

/// <summary>Which of the three legs of the reconciliation a file feeds.</summary>
public enum EvidenceKind
{
    /// <summary>The platform's own orders.</summary>
    Orders,

    /// <summary>A payment provider's settlement lines.</summary>
    Settlement,

    /// <summary>A vendor's delivery events.</summary>
    Delivery,
}
