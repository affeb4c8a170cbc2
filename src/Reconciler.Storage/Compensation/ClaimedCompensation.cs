namespace Reconciler.Storage.Compensation;

/// <summary>One request handed to a consumer by a claim, with the lease it must quote to complete, fail or extend it.</summary>
public sealed record ClaimedCompensation(
    string RequestId,
    string FindingId,
    string? OrderNo,
    string Kind,
    string Action,
    decimal Amount,
    string? Currency,
    string? Provider,
    string? ProviderTxnId,
    string? Vendor,
    DateOnly BusinessDate,
    int Attempt,
    Guid LeaseToken,
    DateTimeOffset LeaseExpiresAt);
