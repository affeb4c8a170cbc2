namespace Reconciler.Storage.Incidents;

/// <summary>What an incident puts at stake in one currency.</summary>
public sealed record IncidentAmount(string? Currency, decimal Amount);
