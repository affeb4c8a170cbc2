namespace Reconciler.Storage.Compensation;

/// <summary>How a queue operation ended, in the terms of the HTTP status it maps to.</summary>
public enum QueueOutcome
{
    /// <summary>200: done (or the stored first answer of the same Idempotency-Key).</summary>
    Ok = 200,

    /// <summary>400: the request itself is malformed (a missing or out-of-range field); nothing was looked up.</summary>
    BadRequest = 400,

    /// <summary>404: no compensation request has that id.</summary>
    NotFound = 404,

    /// <summary>409: the request's state or lease does not allow the change; the body's <c>reason</c> says which.</summary>
    Conflict = 409,
}
