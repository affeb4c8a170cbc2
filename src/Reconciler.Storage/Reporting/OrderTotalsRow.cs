namespace Reconciler.Storage.Reporting;

/// <summary>The date's orders in one currency (per channel when <see cref="Channel"/> is set).</summary>
public sealed record OrderTotalsRow(string? Channel, string Currency, long Count, decimal Amount);
