namespace Reconciler.Storage.Incidents;

/// <summary>Findings of one run that share a cause: its kind, whom it concerns, its window, and the money at stake.</summary>
/// <remarks><see cref="Amount"/> is in <see cref="Currency"/>, the currency most of its findings are in; <see cref="Amounts"/> has every currency's total.</remarks>
public sealed record Incident(
    long RunId, int IncidentNo, DateOnly BusinessDate, string Kind, string? Vendor, string? Provider, DateTimeOffset From,
    DateTimeOffset To, int Findings, decimal Amount, string? Currency, IReadOnlyList<IncidentAmount> Amounts, string Detail);
