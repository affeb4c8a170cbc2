namespace Reconciler.Storage.Reporting;

/// <summary>The filters of the findings page and its export; null means any.</summary>
public sealed record FindingSearch(
    DateOnly? Date = null, string? Kind = null, string? Status = null, string? Provider = null, string? Vendor = null, string? OrderNo = null);
