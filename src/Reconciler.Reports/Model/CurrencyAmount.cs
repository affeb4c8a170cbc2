namespace Reconciler.Reports.Model;

/// <summary>An amount in one currency; amounts in different currencies are never summed.</summary>
public sealed record CurrencyAmount(string Currency, decimal Amount);
