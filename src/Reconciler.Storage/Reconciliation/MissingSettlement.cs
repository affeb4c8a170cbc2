namespace Reconciler.Storage.Reconciliation;

/// <summary>An expected provider file for a date that did not arrive or was rejected.</summary>
public sealed record MissingSettlement(string Provider, DateOnly Date, string Reason);
