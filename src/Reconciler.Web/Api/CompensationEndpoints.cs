using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Reconciler.Core.Time;
using Reconciler.Storage.Compensation;
using Reconciler.Web.Auth;

namespace Reconciler.Web.Api;

/// <summary>
/// <c>/api/compensations</c>, for the compensation workflow only: claim under a lease, complete, fail, extend, list.
/// The store decides every answer (status code and JSON body); a state change sent again with the same
/// <c>Idempotency-Key</c> gets the stored first answer, marked by the header <c>Idempotent-Replayed: true</c>.
/// </summary>
public static class CompensationEndpoints
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static IEndpointRouteBuilder MapCompensationEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/compensations").WithTags("compensations").RequireAuthorization(Roles.CompensationPolicy);
        group.MapPost("/claim", (ClaimBody body, [FromHeader(Name = IdempotencyHeader)] string? key, CompensationStore store, HttpContext http, CancellationToken ct) =>
                AnswerAsync(http, store.ClaimAsync(body.Consumer, body.Limit ?? 10, body.LeaseSeconds ?? 300, key, ct)))
            .Produces<ClaimResult>().Produces<QueueError>(StatusCodes.Status400BadRequest);
        group.MapPost("/{requestId}/complete", (string requestId, CompleteBody body, [FromHeader(Name = IdempotencyHeader)] string? key, CompensationStore store, HttpContext http, CancellationToken ct) =>
                AnswerAsync(http, store.CompleteAsync(requestId, body.LeaseToken, body.Reference, key, ct)))
            .Produces<CompensationStateChange>().Produces<QueueError>(StatusCodes.Status409Conflict).Produces<QueueError>(StatusCodes.Status404NotFound);
        group.MapPost("/{requestId}/fail", (string requestId, FailBody body, [FromHeader(Name = IdempotencyHeader)] string? key, CompensationStore store, HttpContext http, CancellationToken ct) =>
                AnswerAsync(http, store.FailAsync(requestId, body.LeaseToken, body.Reason, body.Retryable ?? false, key, ct)))
            .Produces<CompensationStateChange>().Produces<QueueError>(StatusCodes.Status409Conflict).Produces<QueueError>(StatusCodes.Status404NotFound);
        group.MapPost("/{requestId}/extend", (string requestId, ExtendBody body, [FromHeader(Name = IdempotencyHeader)] string? key, CompensationStore store, HttpContext http, CancellationToken ct) =>
                AnswerAsync(http, store.ExtendAsync(requestId, body.LeaseToken, body.LeaseSeconds ?? 300, key, ct)))
            .Produces<CompensationStateChange>().Produces<QueueError>(StatusCodes.Status409Conflict).Produces<QueueError>(StatusCodes.Status404NotFound);
        group.MapGet("/", ListAsync).Produces<CompensationPage>().Produces<QueueError>(StatusCodes.Status400BadRequest);
        return routes;
    }

    private static async Task<IResult> ListAsync(
        string? state, string? date, string? kind, string? after, int? limit, CompensationStore store, HttpContext http, CancellationToken cancellationToken)
    {
        DateOnly? day = null;
        if (!string.IsNullOrWhiteSpace(date))
        {
            if (!BusinessCalendar.TryParseDate(date, out var parsed))
            {
                return Results.BadRequest(new ErrorBody($"date '{date}' is not a date; write it as yyyy-MM-dd"));
            }

            day = parsed;
        }

        return await AnswerAsync(http, store.ListAsync(new CompensationFilter(state, day, kind, after, limit ?? 100), cancellationToken));
    }

    private static async Task<IResult> AnswerAsync(HttpContext http, Task<QueueAnswer> pending)
    {
        var answer = await pending;
        if (answer.Replayed)
        {
            http.Response.Headers[ReplayedHeader] = "true";
        }

        return Results.Text(answer.Body, "application/json; charset=utf-8", statusCode: answer.StatusCode);
    }
}
