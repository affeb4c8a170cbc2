namespace Reconciler.Reports.Model;

/// <summary>Findings that share a cause (a vendor down, a settlement file missing, lost callbacks, deliveries held), as the report leads with them.</summary>
public sealed record IncidentReport(
    string Kind, string? Vendor, string? Provider, DateTimeOffset From, DateTimeOffset To, int Findings, decimal Amount,
    string? Currency, IReadOnlyList<CurrencyAmount> Amounts, string Detail);
