namespace Reconciler.Storage.Reporting;

/// <summary>
/// The findings a run still sees of one kind and currency: how many, the sum of their charged amounts and the sum of
/// the automatic ones' compensation, each with how many amounts it sums.
/// </summary>
public sealed record RunKindTotalsRow(
    string Kind, string Currency, long Count, decimal Charged, long ChargedAmounts, decimal Compensation, long CompensationAmounts);
