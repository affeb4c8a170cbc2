namespace Reconciler.Core.Matching;

/// <summary>
/// One break found by a run. Amounts: <see cref="ExpectedAmount"/> is what the order says the customer owed,
/// <see cref="ChargedAmount"/> the net the providers actually took, <see cref="CompensationAmount"/> what the
/// compensation workflow is asked to give back (automatic kinds only).
/// </summary>
public sealed record Finding(
    string FindingId,
    FindingKind Kind,
    string? OrderNo,
    string? Provider,
    string? ProviderTxnId,
    string? Vendor,
    decimal? ExpectedAmount,
    decimal? ChargedAmount,
    int? DeliveredQuantity,
    int? OrderedQuantity,
    string? Currency,
    CompensationAction Action,
    decimal? CompensationAmount,
    string Detail)
{
    public bool IsAutomatic => Action.IsAutomatic();
}
