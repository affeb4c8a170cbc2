using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Reconciler.Core.Time;
using Reconciler.Jobs;
using Reconciler.Storage.Incidents;
using Reconciler.Web.Auth;

namespace Reconciler.Web.Api;

/// <summary><c>GET /api/incidents?date=D</c>: the incidents of the newest completed run of the date (finance, operator).</summary>
public static class IncidentEndpoints
{
    public static IEndpointRouteBuilder MapIncidentEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/incidents").WithTags("incidents").RequireAuthorization(Roles.ReadPolicy)
            .MapGet("/", ListAsync).Produces<IReadOnlyList<IncidentResponse>>().Produces<ErrorBody>(StatusCodes.Status400BadRequest);
        return routes;
    }

    private static async Task<IResult> ListAsync(string? date, IncidentStore incidents, ReconcilerOptions options, CancellationToken cancellationToken)
    {
        if (!BusinessCalendar.TryParseDate(date, out var day))
        {
            return Results.BadRequest(new ErrorBody($"date '{date}' is not a date; write it as yyyy-MM-dd, e.g. 2026-11-20"));
        }

        var zone = BusinessCalendar.FindZone(options.TimeZone);
        var rows = await incidents.ListByDateAsync(day, cancellationToken);
        return Results.Ok(rows.Select(i => IncidentResponse.Of(i, zone)).ToList());
    }
}
