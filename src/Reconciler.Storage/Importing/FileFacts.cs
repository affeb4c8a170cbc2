namespace Reconciler.Storage.Importing;

/// <summary>What a reader learned about a file besides its rows.</summary>
public sealed record FileFacts(string? Provider, string? ControlSummary, DateOnly? PeriodStart, DateOnly? PeriodEnd);
