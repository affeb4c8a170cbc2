using Reconciler.Storage.Timeline;

namespace Reconciler.Web.Api;

/// <summary>The body of <c>GET /api/orders/{orderNo}/timeline</c>: the order's events in time order, times in the business time zone.</summary>
public sealed record OrderTimelineResponse(string OrderNo, IReadOnlyList<TimelineEvent> Events);
