namespace Reconciler.Reports.Model;

/// <summary>The count and amount of the business date's orders in one currency.</summary>
public sealed record OrderTotals(string Currency, long Count, decimal Amount);
