namespace Reconciler.Storage.Reporting;

/// <summary>A finding as one run recorded it, with what the run changed about it.</summary>
public sealed record RunFindingRow(
    string FindingId, string Kind, DateTime BusinessDate, string? OrderNo, string? Provider, string? ProviderTxnId, string? Vendor,
    decimal? ExpectedAmount, decimal? ChargedAmount, int? DeliveredQuantity, int? OrderedQuantity, string? Currency,
    string CompensationAction, decimal? CompensationAmount, string Detail, string Change);
