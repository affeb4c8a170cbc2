using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Reconciler.Core.Matching;
using Reconciler.Core.Time;
using Reconciler.Jobs;
using Reconciler.Jobs.Scheduling;
using Reconciler.Reports;
using Reconciler.Reports.Model;
using Reconciler.Storage.Compensation;
using Reconciler.Storage.Incidents;
using Reconciler.Storage.Reporting;
using Reconciler.Storage.Runs;
using Reconciler.Storage.Timeline;
using Reconciler.Web.Api;
using Reconciler.Web.Auth;
using static Reconciler.Web.Pages.PageHtml;

namespace Reconciler.Web.Pages;

/// <summary>The server-rendered pages for finance and operators: runs, one run, findings, an order's timeline, compensations, incidents.</summary>
public static class PageEndpoints
{
    private const int PageSize = 50;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly string[] FindingStatuses = ["open", "resolved"];
    private static readonly string[] QueueStates = ["pending", "claimed", "completed", "failed", "withdrawn"];

    public static IEndpointRouteBuilder MapPageEndpoints(this IEndpointRouteBuilder routes)
    {
        var pages = routes.MapGroup(string.Empty).RequireAuthorization(Roles.ReadPolicy).ExcludeFromDescription();
        pages.MapGet("/", RunsAsync);
        pages.MapPost("/runs", RerunAsync).RequireAuthorization(Roles.OperatePolicy);
        pages.MapGet("/runs/{runId:long}", RunAsync);
        pages.MapGet("/runs/{runId:long}/{name}", OutputAsync);
        pages.MapGet("/findings", FindingsAsync);
        pages.MapGet("/findings.csv", FindingsCsvAsync);
        pages.MapGet("/orders", (string? orderNo) => string.IsNullOrWhiteSpace(orderNo)
            ? Results.Redirect("/findings")
            : Results.Redirect("/orders/" + Uri.EscapeDataString(orderNo.Trim())));
        pages.MapGet("/orders/{orderNo}", OrderAsync);
        pages.MapGet("/compensations", CompensationsAsync);
        pages.MapGet("/incidents", IncidentsAsync);
        return routes;
    }

    private static TimeZoneInfo Zone(ReconcilerOptions options) => BusinessCalendar.FindZone(options.TimeZone);

    private static async Task<IResult> RunsAsync(
        HttpContext http, IAntiforgery antiforgery, RunStore runs, ReconcilerOptions options, string? error, CancellationToken cancellationToken)
    {
        var zone = Zone(options);
        var list = await runs.ListRunsAsync(null, 50, cancellationToken);
        var totals = await runs.CompensationTotalsAsync(list.Select(r => r.RunId).ToList(), cancellationToken);
        var body = new StringBuilder();
        if (error is not null)
        {
            body.Append("<p class=\"error\" role=\"alert\">").Append(E(error)).Append("</p>");
        }

        if (http.User.IsInRole(Roles.Operator))
        {
            var yesterday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).Date).AddDays(-1);
            body.Append("<h2>Rerun a date</h2><form class=\"rerun\" id=\"rerun\" method=\"post\" action=\"/runs\">").Append(Antiforgery(http, antiforgery))
                .Append("<label>Date<input type=\"date\" name=\"date\" required value=\"").Append(yesterday.ToString("yyyy-MM-dd", Invariant)).Append("\"></label>")
                .Append("<label>As of (ISO 8601, empty: now)<input type=\"text\" name=\"asOf\" placeholder=\"2026-11-21T10:30:00+08:00\" size=\"28\"></label>")
                .Append("<label>Reason<input type=\"text\" name=\"reason\" size=\"40\" required></label>")
                .Append("<button type=\"submit\">Queue the run</button></form>");
        }

        body.Append("<h2>Runs</h2><table id=\"runs\"><thead><tr><th>Run</th><th>Date</th><th>As of</th><th>Status</th><th>Progress</th>")
            .Append("<th class=\"num\">New</th><th class=\"num\">Open</th><th class=\"num\">Resolved</th><th class=\"num\">Money at stake</th>")
            .Append("<th>Trigger</th><th>Who</th><th>Why</th></tr></thead><tbody>");
        foreach (var run in list)
        {
            var stake = totals[run.RunId].ToList();
            body.Append("<tr data-run=\"").Append(run.RunId.ToString(Invariant)).Append("\"><td><a href=\"/runs/").Append(run.RunId.ToString(Invariant)).Append("\">")
                .Append(N(run.RunId)).Append("</a></td><td>").Append(E(run.BusinessDate.ToString("yyyy-MM-dd", Invariant))).Append("</td><td>")
                .Append(E(Time(run.AsOf, zone))).Append("</td><td class=\"status status-").Append(E(run.Status)).Append("\">").Append(E(run.Status)).Append("</td><td>")
                .Append(E(Progress(run))).Append("</td><td class=\"num\">").Append(N(run.Findings.New)).Append("</td><td class=\"num\">").Append(N(run.Findings.Open))
                .Append("</td><td class=\"num\">").Append(N(run.Findings.Resolved)).Append("</td><td class=\"num\">")
                .Append(stake.Count == 0 ? "—" : string.Join("<br>", stake.Select(s => E(Money(s.Amount, s.Currency)))))
                .Append("</td><td>").Append(E(run.Trigger)).Append("</td><td>").Append(E(run.RequestedBy)).Append("</td><td>").Append(E(run.Reason)).Append("</td></tr>");
        }

        body.Append("</tbody></table>");
        var going = list.Any(r => r.Status is "queued" or "running");
        return Page(http, antiforgery, "Runs", body.ToString(), going ? 2 : null);
    }

    private static string Progress(RunInfo run) =>
        run.Status switch
        {
            "running" => (run.Progress.Phase ?? "starting") + (run.Progress.Rows > 0 ? ", " + N(run.Progress.Rows) + " rows" : string.Empty),
            "failed" => run.Error ?? "failed",
            "queued" => "waiting for a server",
            _ => run.FinishedAt is { } f && run.StartedAt is { } s ? (f - s).TotalSeconds.ToString("0.0", Invariant) + " s" : string.Empty,
        };

    private static async Task<IResult> RerunAsync(
        HttpContext http, IAntiforgery antiforgery, RunSubmitter submitter, RunStore runs, ReconcilerOptions options,
        [FromForm] string? date, [FromForm] string? asOf, [FromForm] string? reason, CancellationToken cancellationToken)
    {
        if (!BusinessCalendar.TryParseDate(date, out var day))
        {
            return await RunsAsync(http, antiforgery, runs, options, $"date '{date}' is not a date; write it as yyyy-MM-dd", cancellationToken);
        }

        var at = DateTimeOffset.UtcNow;
        if (!string.IsNullOrWhiteSpace(asOf) && !BusinessCalendar.TryParseInstant(asOf, Zone(options), out at))
        {
            return await RunsAsync(http, antiforgery, runs, options, $"as of '{asOf}' is not a time; write it as ISO 8601, e.g. 2026-11-21T10:30:00+08:00", cancellationToken);
        }

        var (runId, _) = await submitter.EnqueueAsync(
            new RunSubmission(day, at, RunTrigger.Dashboard, http.User.Identity?.Name ?? "web", string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()),
            cancellationToken);
        return Results.Redirect("/runs/" + runId.ToString(Invariant), permanent: false, preserveMethod: false);
    }

    private static async Task<IResult> RunAsync(
        long runId, HttpContext http, IAntiforgery antiforgery, RunStore runs, IncidentStore incidents, ReconcilerOptions options,
        CancellationToken cancellationToken)
    {
        if (await runs.FindRunAsync(runId, cancellationToken) is not { } run)
        {
            return Page(http, antiforgery, "No such run", "<p>Run " + N(runId) + " does not exist.</p>", statusCode: StatusCodes.Status404NotFound);
        }

        var zone = Zone(options);
        var id = runId.ToString(Invariant);
        var body = new StringBuilder();
        body.Append("<table class=\"facts\"><tbody>")
            .Append("<tr><th>Date</th><td>").Append(E(run.BusinessDate.ToString("yyyy-MM-dd", Invariant))).Append("</td><th>As of</th><td>").Append(E(Time(run.AsOf, zone))).Append("</td></tr>")
            .Append("<tr><th>Status</th><td id=\"run-status\" class=\"status-").Append(E(run.Status)).Append("\">").Append(E(run.Status)).Append("</td><th>Progress</th><td>").Append(E(Progress(run))).Append("</td></tr>")
            .Append("<tr><th>Trigger</th><td>").Append(E(run.Trigger)).Append("</td><th>Who, why</th><td>").Append(E(run.RequestedBy)).Append(": ").Append(E(run.Reason ?? "(no reason given)")).Append("</td></tr>")
            .Append("<tr><th>Queued</th><td>").Append(E(Time(run.QueuedAt, zone))).Append("</td><th>Started, finished</th><td>").Append(E(Time(run.StartedAt, zone))).Append(", ").Append(E(Time(run.FinishedAt, zone))).Append("</td></tr>")
            .Append("<tr><th>Findings</th><td>").Append(N(run.Findings.New)).Append(" new, ").Append(N(run.Findings.Open)).Append(" still open, ").Append(N(run.Findings.Resolved)).Append(" resolved</td>")
            .Append("<th>Attempts, server</th><td>").Append(N(run.Attempts)).Append(", ").Append(E(run.Server)).Append("</td></tr>");
        if (run.Error is not null)
        {
            body.Append("<tr><th>Error</th><td colspan=\"3\" class=\"error\">").Append(E(run.Error)).Append("</td></tr>");
        }

        body.Append("</tbody></table>");
        if (run.Status != "completed")
        {
            return Page(http, antiforgery, "Run " + N(runId), body.ToString(), run.Status is "queued" or "running" ? 2 : null);
        }

        body.Append("<p class=\"noprint\">Outputs: ");
        body.Append(string.Join(" · ", RunStore.OutputNames.Select(n => "<a href=\"/runs/" + id + "/" + E(n) + "\">" + E(n) + "</a>")));
        body.Append("</p>");
        await AppendIncidentsAsync(body, await incidents.ListByRunAsync(runId, cancellationToken), incidents, zone, withFindings: false, cancellationToken);

        var changes = await runs.ChangesAsync(runId, cancellationToken);
        var previous = await runs.PreviousRunAsync(runId, run.BusinessDate, cancellationToken);
        body.Append("<h2>What changed since ").Append(previous is { } p ? "run <a href=\"/runs/" + p.ToString(Invariant) + "\">" + N(p) + "</a>" : "nothing (first run of this date)").Append("</h2>");
        foreach (var change in new[] { "new", "resolved" })
        {
            var rows = changes.Where(c => c.Change == change).ToList();
            body.Append("<h3>").Append(E(change)).Append(": ").Append(N(rows.Count)).Append("</h3>");
            if (rows.Count == 0)
            {
                continue;
            }

            body.Append("<table><thead><tr><th>Order</th><th>Kind</th><th>Provider</th><th>Vendor</th><th>Action</th><th class=\"num\">Compensation</th></tr></thead><tbody>");
            foreach (var c in rows)
            {
                body.Append("<tr><td>").Append(OrderLink(c.OrderNo)).Append("</td><td>").Append(E(c.Kind)).Append("</td><td>").Append(E(c.Provider))
                    .Append("</td><td>").Append(E(c.Vendor)).Append("</td><td>").Append(E(c.CompensationAction)).Append("</td>")
                    .Append(MoneyCell(c.CompensationAmount, c.Currency)).Append("</tr>");
            }

            body.Append("</tbody></table>");
        }

        body.Append("<p class=\"muted\">").Append(N(changes.Count(c => c.Change == "open"))).Append(" findings still open from before.</p>");
        body.Append("<h2>The report</h2><iframe class=\"report\" title=\"report.html\" sandbox src=\"/runs/").Append(id).Append("/report.html\"></iframe>");
        return Page(http, antiforgery, "Run " + N(runId), body.ToString());
    }

    private static async Task<IResult> OutputAsync(long runId, string name, RunStore runs, CancellationToken cancellationToken)
    {
        var type = name switch
        {
            "mismatches.csv" => "text/csv; charset=utf-8",
            "report.html" => "text/html; charset=utf-8",
            "summary.json" => "application/json; charset=utf-8",
            _ => null,
        };
        return type is not null && await runs.ReadOutputAsync(runId, name, cancellationToken) is { } content
            ? Results.File(content, type, name == "report.html" ? null : $"run-{runId}-{name}")
            : Results.NotFound();
    }

    private static FindingSearch? Search(string? date, string? kind, string? status, string? provider, string? vendor, string? orderNo, out string? error)
    {
        error = null;
        DateOnly? day = null;
        if (!string.IsNullOrWhiteSpace(date))
        {
            if (!BusinessCalendar.TryParseDate(date, out var parsed))
            {
                error = $"date '{date}' is not a date; write it as yyyy-MM-dd";
                return null;
            }

            day = parsed;
        }

        static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        return new FindingSearch(day, Clean(kind), Clean(status), Clean(provider), Clean(vendor), Clean(orderNo));
    }

    private static async Task<IResult> FindingsAsync(
        HttpContext http, IAntiforgery antiforgery, FindingSearchStore findings, string? date, string? kind, string? status, string? provider,
        string? vendor, string? orderNo, int? page, CancellationToken cancellationToken)
    {
        var search = Search(date, kind, status, provider, vendor, orderNo, out var error);
        var number = Math.Max(page ?? 1, 1);
        var body = new StringBuilder();
        body.Append("<form class=\"filters\" method=\"get\" action=\"/findings\">")
            .Append("<label>Order number<input type=\"search\" name=\"orderNo\" value=\"").Append(E(orderNo)).Append("\"></label>")
            .Append("<label>Date<input type=\"date\" name=\"date\" value=\"").Append(E(date)).Append("\"></label>")
            .Append("<label>Kind").Append(Select("kind", kind, Enum.GetValues<FindingKind>().Select(k => k.ToName()))).Append("</label>")
            .Append("<label>Status").Append(Select("status", status, FindingStatuses)).Append("</label>")
            .Append("<label>Provider<input type=\"text\" name=\"provider\" size=\"10\" value=\"").Append(E(provider)).Append("\"></label>")
            .Append("<label>Vendor<input type=\"text\" name=\"vendor\" size=\"10\" value=\"").Append(E(vendor)).Append("\"></label>")
            .Append("<button type=\"submit\">Search</button></form>");
        if (search is null)
        {
            body.Append("<p class=\"error\" role=\"alert\">").Append(E(error)).Append("</p>");
            return Page(http, antiforgery, "Findings", body.ToString(), statusCode: StatusCodes.Status400BadRequest);
        }

        var query = new (string, string?)[] { ("date", date), ("kind", kind), ("status", status), ("provider", provider), ("vendor", vendor), ("orderNo", orderNo) };
        var (rows, more) = await findings.PageAsync(search, (number - 1) * PageSize, PageSize, cancellationToken);
        body.Append("<p class=\"noprint\"><a href=\"").Append(E(Url("/findings.csv", query))).Append("\">Export these findings as CSV</a></p>");
        body.Append("<table id=\"findings\"><thead><tr><th>Date</th><th>Order</th><th>Kind</th><th>Status</th><th>Provider</th><th>Vendor</th>")
            .Append("<th class=\"num\">Expected</th><th class=\"num\">Charged</th><th class=\"num\">Compensation</th><th>Detail</th></tr></thead><tbody>");
        foreach (var f in rows)
        {
            body.Append("<tr><td>").Append(E(f.BusinessDate.ToString("yyyy-MM-dd", Invariant))).Append("</td><td>").Append(OrderLink(f.OrderNo ?? f.ProviderTxnId))
                .Append("</td><td>").Append(E(f.Kind)).Append("</td><td>").Append(E(f.Status)).Append("</td><td>").Append(E(f.Provider)).Append("</td><td>").Append(E(f.Vendor))
                .Append("</td>").Append(MoneyCell(f.ExpectedAmount, f.Currency)).Append(MoneyCell(f.ChargedAmount, f.Currency))
                .Append(MoneyCell(f.CompensationAmount, f.Currency)).Append("<td>").Append(E(f.Detail)).Append("</td></tr>");
        }

        body.Append("</tbody></table><p class=\"noprint\">Page ").Append(N(number));
        if (number > 1)
        {
            body.Append(" · <a href=\"").Append(E(Url("/findings", [.. query, ("page", (number - 1).ToString(Invariant))]))).Append("\">previous</a>");
        }

        if (more)
        {
            body.Append(" · <a href=\"").Append(E(Url("/findings", [.. query, ("page", (number + 1).ToString(Invariant))]))).Append("\">next</a>");
        }

        body.Append("</p>");
        return Page(http, antiforgery, "Findings", body.ToString());
    }

    private static async Task<IResult> FindingsCsvAsync(
        HttpContext http, FindingSearchStore findings, string? date, string? kind, string? status, string? provider, string? vendor,
        string? orderNo, CancellationToken cancellationToken)
    {
        if (Search(date, kind, status, provider, vendor, orderNo, out var error) is not { } search)
        {
            return Results.BadRequest(new ErrorBody(error!));
        }

        // Written to a temporary file as it streams from the database, so an export of any size keeps memory flat.
        var output = new FileStream(
            Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        var rows = findings.StreamAsync(search, cancellationToken).ToBlockingEnumerable(cancellationToken).Select(f => new ReportedFinding(
            new Finding(f.FindingId, FindingKindNames.Parse(f.Kind), f.OrderNo, f.Provider, f.ProviderTxnId, f.Vendor, f.ExpectedAmount,
                f.ChargedAmount, f.DeliveredQuantity, f.OrderedQuantity, f.Currency, CompensationActionNames.Parse(f.CompensationAction),
                f.CompensationAmount, f.Detail),
            f.Status, DateOnly.FromDateTime(f.BusinessDate)));
        await Task.Run(() => MismatchesCsvWriter.WriteRows(rows, output), cancellationToken);
        output.Position = 0;
        http.Response.Headers.ContentDisposition = "attachment; filename=\"findings.csv\"";
        return Results.File(output, "text/csv; charset=utf-8");
    }

    private static async Task<IResult> OrderAsync(
        string orderNo, HttpContext http, IAntiforgery antiforgery, OrderTimelineStore timelines, ReconcilerOptions options,
        CancellationToken cancellationToken)
    {
        var timeline = await OrderEndpoints.ReadTimelineAsync(orderNo, timelines, options, cancellationToken);
        if (timeline is null)
        {
            return Page(http, antiforgery, "Order " + orderNo.Trim(), "<p>No imported file, finding or compensation knows this order.</p>",
                statusCode: StatusCodes.Status404NotFound);
        }

        var body = new StringBuilder("<table id=\"timeline\"><thead><tr><th>When</th><th>Node</th><th>Source</th><th>What</th></tr></thead><tbody>");
        foreach (var e in timeline.Events)
        {
            body.Append("<tr class=\"node-").Append(E(e.Node)).Append("\"><td>")
                .Append(E(e.At is { } at ? at.ToString("yyyy-MM-dd HH:mm:ss zzz", Invariant) : "—")).Append("</td><td>").Append(E(e.Node))
                .Append("</td><td>").Append(E(e.Source)).Append("</td><td>").Append(E(e.Detail)).Append("</td></tr>");
        }

        body.Append("</tbody></table>");
        return Page(http, antiforgery, "Order " + timeline.OrderNo, body.ToString());
    }

    private static async Task<IResult> CompensationsAsync(
        HttpContext http, IAntiforgery antiforgery, CompensationStore queue, ReconcilerOptions options, string? state, string? after,
        CancellationToken cancellationToken)
    {
        var zone = Zone(options);
        var filter = new CompensationFilter(string.IsNullOrWhiteSpace(state) ? null : state, After: string.IsNullOrWhiteSpace(after) ? null : after, Limit: PageSize);
        var answer = await queue.ListAsync(filter, cancellationToken);
        var body = new StringBuilder();
        body.Append("<form class=\"filters\" method=\"get\" action=\"/compensations\"><label>State").Append(Select("state", state, QueueStates))
            .Append("</label><button type=\"submit\">Show</button></form>");
        if (!answer.IsOk)
        {
            body.Append("<p class=\"error\" role=\"alert\">").Append(E(answer.Body)).Append("</p>");
            return Page(http, antiforgery, "Compensations", body.ToString(), statusCode: StatusCodes.Status400BadRequest);
        }

        var page = answer.Read<CompensationPage>();
        body.Append("<table id=\"compensations\"><thead><tr><th>Order</th><th>Kind</th><th>Action</th><th class=\"num\">Amount</th><th>State</th>")
            .Append("<th class=\"num\">Attempts</th><th>Claimed by</th><th>Last error</th><th>Outcome, reference</th><th>Updated</th></tr></thead><tbody>");
        foreach (var c in page.Items)
        {
            body.Append("<tr><td>").Append(OrderLink(c.OrderNo)).Append("</td><td>").Append(E(c.Kind)).Append("</td><td>").Append(E(c.Action)).Append("</td>")
                .Append(MoneyCell(c.Amount, c.Currency)).Append("<td>").Append(E(c.State)).Append("</td><td class=\"num\">").Append(N(c.Attempts))
                .Append("</td><td>").Append(E(c.ClaimedBy)).Append("</td><td class=\"error\">").Append(E(c.LastError)).Append("</td><td>")
                .Append(E(string.Join(", ", new[] { c.Outcome, c.Reference }.Where(v => !string.IsNullOrEmpty(v))))).Append("</td><td>")
                .Append(E(Time(c.UpdatedAt, zone))).Append("</td></tr>");
        }

        body.Append("</tbody></table>");
        if (page.Next is { } next)
        {
            body.Append("<p class=\"noprint\"><a href=\"").Append(E(Url("/compensations", ("state", state), ("after", next)))).Append("\">next</a></p>");
        }

        return Page(http, antiforgery, "Compensations", body.ToString());
    }

    private static async Task<IResult> IncidentsAsync(
        HttpContext http, IAntiforgery antiforgery, IncidentStore incidents, RunStore runs, ReconcilerOptions options, string? date,
        CancellationToken cancellationToken)
    {
        DateOnly day;
        if (string.IsNullOrWhiteSpace(date))
        {
            var newest = (await runs.ListRunsAsync(null, 50, cancellationToken)).FirstOrDefault(r => r.Status == "completed");
            day = newest?.BusinessDate ?? DateOnly.FromDateTime(DateTime.UtcNow);
        }
        else if (!BusinessCalendar.TryParseDate(date, out day))
        {
            return Page(http, antiforgery, "Incidents", "<p class=\"error\">date '" + E(date) + "' is not a date; write it as yyyy-MM-dd</p>",
                statusCode: StatusCodes.Status400BadRequest);
        }

        var body = new StringBuilder();
        body.Append("<form class=\"filters\" method=\"get\" action=\"/incidents\"><label>Date<input type=\"date\" name=\"date\" value=\"")
            .Append(E(day.ToString("yyyy-MM-dd", Invariant))).Append("\"></label><button type=\"submit\">Show</button></form>");
        await AppendIncidentsAsync(body, await incidents.ListByDateAsync(day, cancellationToken), incidents, Zone(options), withFindings: true, cancellationToken);
        return Page(http, antiforgery, "Incidents of " + day.ToString("yyyy-MM-dd", Invariant), body.ToString());
    }

    private static async Task AppendIncidentsAsync(
        StringBuilder body, IReadOnlyList<Incident> list, IncidentStore incidents, TimeZoneInfo zone, bool withFindings, CancellationToken cancellationToken)
    {
        body.Append("<h2>Incidents</h2>");
        if (list.Count == 0)
        {
            body.Append("<p>No incident.</p>");
            return;
        }

        body.Append("<table id=\"incidents\"><thead><tr><th>Kind</th><th>Vendor or provider</th><th>From</th><th>To</th><th class=\"num\">Findings</th>")
            .Append("<th class=\"num\">At stake</th><th>What happened</th></tr></thead><tbody>");
        foreach (var i in list)
        {
            body.Append("<tr><td>").Append(E(i.Kind)).Append("</td><td>").Append(E(i.Vendor ?? i.Provider)).Append("</td><td>").Append(E(Time(i.From, zone)))
                .Append("</td><td>").Append(E(Time(i.To, zone))).Append("</td><td class=\"num\">").Append(N(i.Findings)).Append("</td><td class=\"num\">")
                .Append(string.Join("<br>", (i.Amounts.Count > 0 ? i.Amounts : [new IncidentAmount(i.Currency, i.Amount)]).Select(a => E(Money(a.Amount, a.Currency)))))
                .Append("</td><td>").Append(E(i.Detail)).Append("</td></tr>");
        }

        body.Append("</tbody></table>");
        if (!withFindings)
        {
            return;
        }

        foreach (var i in list)
        {
            var members = await incidents.FindingsAsync(i.RunId, i.IncidentNo, cancellationToken);
            body.Append("<h3>").Append(E(i.Kind)).Append(' ').Append(E(i.Vendor ?? i.Provider)).Append(": ").Append(N(members.Count)).Append(" findings</h3>");
            if (members.Count == 0)
            {
                continue;
            }

            body.Append("<table><thead><tr><th>Order</th><th>Kind</th><th class=\"num\">At stake</th></tr></thead><tbody>");
            foreach (var m in members)
            {
                body.Append("<tr><td>").Append(OrderLink(m.OrderNo)).Append("</td><td>").Append(E(m.Kind)).Append("</td>").Append(MoneyCell(m.Amount, m.Currency)).Append("</tr>");
            }

            body.Append("</tbody></table>");
        }
    }

    private static string OrderLink(string? orderNo) =>
        string.IsNullOrEmpty(orderNo) ? "—" : "<a href=\"/orders/" + E(Uri.EscapeDataString(orderNo)) + "\">" + E(orderNo) + "</a>";

    private static string Select(string name, string? selected, IEnumerable<string> options) =>
        "<select name=\"" + E(name) + "\"><option value=\"\">any</option>"
        + string.Concat(options.Select(o => "<option" + (o == selected ? " selected" : string.Empty) + ">" + E(o) + "</option>"))
        + "</select>";
}
