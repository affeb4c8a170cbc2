using Reconciler.Storage.Incidents;

namespace Reconciler.Web.Api;

/// <summary>An incident as the API shows it, its window in the business time zone.</summary>
public sealed record IncidentResponse(
    string Kind, string? Vendor, string? Provider, DateTimeOffset From, DateTimeOffset To, int Findings, decimal Amount,
    string? Currency, IReadOnlyList<IncidentAmount> Amounts, string Detail, long RunId, int IncidentNo)
{
    public static IncidentResponse Of(Incident incident, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return new IncidentResponse(
            incident.Kind, incident.Vendor, incident.Provider, TimeZoneInfo.ConvertTime(incident.From, zone),
            TimeZoneInfo.ConvertTime(incident.To, zone), incident.Findings, incident.Amount, incident.Currency, incident.Amounts, incident.Detail,
            incident.RunId, incident.IncidentNo);
    }
}
