using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Reconciler.Core.Time;
using Reconciler.Jobs;
using Reconciler.Jobs.Scheduling;
using Reconciler.Storage.Runs;
using Reconciler.Web.Auth;

namespace Reconciler.Web.Api;

/// <summary><c>/api/runs</c>: ask for a run (operator), read runs, their outputs and what they changed (finance, operator).</summary>
public static class RunEndpoints
{
    private static readonly Dictionary<string, string> OutputTypes = new(StringComparer.Ordinal)
    {
        ["mismatches.csv"] = "text/csv; charset=utf-8",
        ["report.html"] = "text/html; charset=utf-8",
        ["summary.json"] = "application/json; charset=utf-8",
    };

    public static IEndpointRouteBuilder MapRunEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/runs").WithTags("runs").RequireAuthorization(Roles.ReadPolicy);
        group.MapPost("/", QueueAsync).RequireAuthorization(Roles.OperatePolicy)
            .Produces<RunQueuedResponse>(StatusCodes.Status202Accepted).Produces<ErrorBody>(StatusCodes.Status400BadRequest);
        group.MapGet("/", ListAsync).Produces<IReadOnlyList<RunResponse>>();
        group.MapGet("/{runId:long}", GetAsync).Produces<RunResponse>().Produces<ErrorBody>(StatusCodes.Status404NotFound);
        group.MapGet("/{runId:long}/changes", ChangesAsync).Produces<RunChangesResponse>().Produces<ErrorBody>(StatusCodes.Status404NotFound);
        foreach (var (name, type) in OutputTypes)
        {
            group.MapGet("/{runId:long}/" + name, (long runId, RunStore runs, CancellationToken cancellationToken) =>
                    OutputAsync(runId, name, type, runs, cancellationToken))
                .Produces(StatusCodes.Status200OK, contentType: type).Produces<ErrorBody>(StatusCodes.Status404NotFound);
        }

        return routes;
    }

    private static async Task<IResult> QueueAsync(
        RunRequestBody body, HttpContext http, RunSubmitter submitter, ReconcilerOptions options, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!BusinessCalendar.TryParseDate(body.Date, out var date))
        {
            return Results.BadRequest(new ErrorBody($"date '{body.Date}' is not a date; write it as yyyy-MM-dd, e.g. 2026-11-20"));
        }

        DateTimeOffset asOf;
        if (string.IsNullOrWhiteSpace(body.AsOf))
        {
            asOf = time.GetUtcNow();
        }
        else if (!BusinessCalendar.TryParseInstant(body.AsOf, BusinessCalendar.FindZone(options.TimeZone), out asOf))
        {
            return Results.BadRequest(new ErrorBody($"asOf '{body.AsOf}' is not a time; write it as ISO 8601, e.g. 2026-11-21T10:30:00+08:00"));
        }

        var who = http.User.Identity?.Name ?? "api";
        var (runId, _) = await submitter.EnqueueAsync(
            new RunSubmission(date, asOf, RunTrigger.Api, who, string.IsNullOrWhiteSpace(body.Reason) ? null : body.Reason.Trim()),
            cancellationToken);
        return Results.Accepted($"/api/runs/{runId}", new RunQueuedResponse(runId, "queued"));
    }

    private static async Task<IResult> ListAsync(string? date, int? limit, RunStore runs, CancellationToken cancellationToken)
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

        var rows = await runs.ListRunsAsync(day, Math.Clamp(limit ?? 100, 1, 1000), cancellationToken);
        return Results.Ok(rows.Select(RunResponse.From).ToList());
    }

    private static async Task<IResult> GetAsync(long runId, RunStore runs, CancellationToken cancellationToken) =>
        await runs.FindRunAsync(runId, cancellationToken) is { } run
            ? Results.Ok(RunResponse.From(run))
            : NotFound(runId);

    private static async Task<IResult> ChangesAsync(long runId, RunStore runs, CancellationToken cancellationToken)
    {
        if (await runs.FindRunAsync(runId, cancellationToken) is not { } run)
        {
            return NotFound(runId);
        }

        var changes = await runs.ChangesAsync(runId, cancellationToken);
        var previous = await runs.PreviousRunAsync(runId, run.BusinessDate, cancellationToken);
        return Results.Ok(new RunChangesResponse(
            runId, run.BusinessDate, previous,
            changes.Where(c => c.Change == "new").ToList(),
            changes.Where(c => c.Change == "open").ToList(),
            changes.Where(c => c.Change == "resolved").ToList()));
    }

    private static async Task<IResult> OutputAsync(long runId, string name, string type, RunStore runs, CancellationToken cancellationToken)
    {
        if (await runs.ReadOutputAsync(runId, name, cancellationToken) is { } content)
        {
            return Results.File(content, type);
        }

        return await runs.FindRunAsync(runId, cancellationToken) is { } run
            ? Results.NotFound(new ErrorBody($"run {runId} has no {name} (status {run.Status})"))
            : NotFound(runId);
    }

    private static IResult NotFound(long runId) => Results.NotFound(new ErrorBody($"run {runId} does not exist"));
}
