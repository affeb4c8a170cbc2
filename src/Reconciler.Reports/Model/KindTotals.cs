namespace Reconciler.Reports.Model;

/// <summary>The findings of one kind (snake_case name): how many, and their charged and compensation amounts per currency.</summary>
public sealed record KindTotals(
    string Kind,
    long Count,
    IReadOnlyList<CurrencyAmount> ChargedAmount,
    IReadOnlyList<CurrencyAmount> CompensationAmount);
