namespace Reconciler.Storage.Incidents;

/// <summary>A finding of an incident, with what it puts at stake.</summary>
public sealed record IncidentFinding(string FindingId, string? OrderNo, string Kind, string? Currency, decimal? Amount);
