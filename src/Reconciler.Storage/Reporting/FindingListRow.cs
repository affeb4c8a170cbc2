namespace Reconciler.Storage.Reporting;

/// <summary>A finding as it stands now (open or resolved), for the findings page.</summary>
public sealed record FindingListRow(
    string FindingId, string Kind, DateTime BusinessDate, string? OrderNo, string? Provider, string? ProviderTxnId, string? Vendor,
    decimal? ExpectedAmount, decimal? ChargedAmount, int? DeliveredQuantity, int? OrderedQuantity, string? Currency,
    string CompensationAction, decimal? CompensationAmount, string Detail, string Status);
