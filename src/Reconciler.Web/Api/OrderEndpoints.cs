using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Reconciler.Core.Time;
using Reconciler.Jobs;
using Reconciler.Storage.Timeline;
using Reconciler.Web.Auth;

namespace Reconciler.Web.Api;

/// <summary><c>/api/orders</c>: one order's timeline, node by node (finance, operator).</summary>
public static class OrderEndpoints
{
    public static IEndpointRouteBuilder MapOrderEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/orders").WithTags("orders").RequireAuthorization(Roles.ReadPolicy)
            .MapGet("/{orderNo}/timeline", TimelineAsync)
            .Produces<OrderTimelineResponse>().Produces<ErrorBody>(StatusCodes.Status404NotFound);
        return routes;
    }

    /// <summary>The order's timeline with its times in the business time zone; null when nothing knows the order.</summary>
    public static async Task<OrderTimelineResponse?> ReadTimelineAsync(
        string orderNo, OrderTimelineStore timelines, ReconcilerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timelines);
        ArgumentNullException.ThrowIfNull(options);
        var trimmed = orderNo.Trim();
        var events = await timelines.ReadAsync(trimmed, cancellationToken);
        if (events.Count == 0)
        {
            return null;
        }

        var zone = BusinessCalendar.FindZone(options.TimeZone);
        return new OrderTimelineResponse(
            trimmed, events.Select(e => e with { At = e.At is { } at ? TimeZoneInfo.ConvertTime(at, zone) : null }).ToList());
    }

    private static async Task<IResult> TimelineAsync(
        string orderNo, OrderTimelineStore timelines, ReconcilerOptions options, CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(orderNo)
            ? Results.BadRequest(new ErrorBody("an order number is required"))
            : await ReadTimelineAsync(orderNo, timelines, options, cancellationToken) is { } timeline
                ? Results.Ok(timeline)
                : Results.NotFound(new ErrorBody($"order '{orderNo.Trim()}' is in no imported file, finding or compensation"));
}
