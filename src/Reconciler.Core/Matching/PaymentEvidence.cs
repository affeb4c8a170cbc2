namespace Reconciler.Core.Matching;

/// <summary>A distinct provider payment whose order number names no known order.</summary>
public sealed record PaymentEvidence(
    string Provider,
    string ProviderTxnId,
    string? OrderNo,
    decimal Gross,
    string Currency,
    DateTimeOffset OccurredAt);
