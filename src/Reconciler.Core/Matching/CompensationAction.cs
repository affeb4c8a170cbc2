namespace Reconciler.Core.Matching;

/// <summary>What the compensation workflow is asked to do about a finding.</summary>
public enum CompensationAction
{
    /// <summary>Nothing to do (yet): the finding is pending.</summary>
    None,

    /// <summary>A person must look: no automatic money movement.</summary>
    ManualReview,

    /// <summary>Give the customer the compensation amount back.</summary>
    Refund,

    /// <summary>Deliver the missing goods again (the product type's policy says so).</summary>
    Redeliver,
}
