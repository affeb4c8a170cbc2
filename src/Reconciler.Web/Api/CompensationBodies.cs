namespace Reconciler.Web.Api;

/// <summary>A claim: who claims, at most how many requests, for how long.</summary>
public sealed record ClaimBody(string? Consumer, int? Limit, int? LeaseSeconds);

/// <summary>Completes a claimed request with the paying system's reference.</summary>
public sealed record CompleteBody(string? LeaseToken, string? Reference);

/// <summary>Records a failed attempt; retryable ones return to the queue after a backoff.</summary>
public sealed record FailBody(string? LeaseToken, string? Reason, bool? Retryable);

/// <summary>Extends a lease.</summary>
public sealed record ExtendBody(string? LeaseToken, int? LeaseSeconds);
