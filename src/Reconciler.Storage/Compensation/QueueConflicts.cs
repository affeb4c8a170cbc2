namespace Reconciler.Storage.Compensation;

/// <summary>The <c>reason</c> codes of <see cref="QueueError"/>.</summary>
public static class QueueConflicts
{
    /// <summary>400: a field is missing or out of range.</summary>
    public const string BadRequest = "bad_request";

    /// <summary>404: no request has that id.</summary>
    public const string NotFound = "not_found";

    /// <summary>409: the lease token is not the request's current one (another consumer claimed it after the lease expired, or the token is wrong).</summary>
    public const string LeaseMismatch = "lease_mismatch";

    /// <summary>409: the request is not claimed (pending again after a failure, withdrawn, or failed).</summary>
    public const string NotClaimed = "not_claimed";

    /// <summary>409: the request is already completed.</summary>
    public const string AlreadyCompleted = "already_completed";

    /// <summary>409: the Idempotency-Key was first used for another operation or other parameters.</summary>
    public const string IdempotencyKeyReused = "idempotency_key_reused";
}
