namespace Reconciler.Reports.Model;

/// <summary>A provider settlement file the run expected for a date but could not use, and why.</summary>
public sealed record MissingSettlement(string Provider, DateOnly Date, string Reason);
