using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Reconciler.Storage.Events;
using Reconciler.Web.Auth;

namespace Reconciler.Web.Api;

/// <summary><c>GET /api/events?state=</c>: the webhook deliveries of the event outbox, newest first (finance, operator).</summary>
public static class EventEndpoints
{
    private static readonly string[] States = ["pending", "delivered", "failed"];

    public static IEndpointRouteBuilder MapEventEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/events").WithTags("events").RequireAuthorization(Roles.ReadPolicy)
            .MapGet("/", ListAsync).Produces<IReadOnlyList<EventDelivery>>().Produces<ErrorBody>(StatusCodes.Status400BadRequest);
        return routes;
    }

    private static async Task<IResult> ListAsync(string? state, long? before, int? limit, EventOutboxStore events, CancellationToken cancellationToken)
    {
        if (state is not null && !States.Contains(state, StringComparer.Ordinal))
        {
            return Results.BadRequest(new ErrorBody($"state '{state}' is not one of {string.Join(", ", States)}"));
        }

        return Results.Ok(await events.ListDeliveriesAsync(state, before, Math.Clamp(limit ?? 100, 1, 1000), cancellationToken));
    }
}
