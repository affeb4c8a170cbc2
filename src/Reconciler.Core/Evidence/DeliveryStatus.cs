namespace Reconciler.Core.Evidence;

/// <summary>The state a vendor reports for one delivery attempt.</summary>
public enum DeliveryStatus
{
    /// <summary>Delivered to the account the event names.</summary>
    Success,

    /// <summary>Final failure: nothing was delivered by this attempt.</summary>
    Failed,

    /// <summary>Accepted by the vendor but not finished yet (fulu's <c>processing</c> and <c>untreated</c>).</summary>
    Processing,
}
