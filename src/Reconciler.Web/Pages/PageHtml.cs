using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Reconciler.Web.Auth;

namespace Reconciler.Web.Pages;

/// <summary>The pages' shared frame (navigation, styles for screen and print) and the helpers that encode every value.</summary>
public static class PageHtml
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    // Noto Sans CJK first among the CJK fonts: Debian's fonts-noto-cjk, which scripts/test.sh installs for the browser test.
    private const string Style = """
        * { box-sizing: border-box; }
        body { font-family: "Segoe UI", "Helvetica Neue", Arial, "Noto Sans CJK SC", "Noto Sans CJK", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
               font-size: 14px; color: #1a1a1a; margin: 0; }
        header.top { background: #1f2933; color: #fff; padding: 8px 16px; display: flex; flex-wrap: wrap; gap: 16px; align-items: center; }
        header.top a { color: #fff; text-decoration: none; font-weight: 600; }
        header.top .who { margin-left: auto; font-size: 13px; }
        header.top form { display: inline; }
        main { max-width: 1240px; margin: 0 auto; padding: 12px 16px; }
        h1 { font-size: 20px; margin: 8px 0; }
        h2 { font-size: 16px; margin: 20px 0 6px; border-bottom: 2px solid #d0d7de; padding-bottom: 3px; }
        table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; table-layout: auto; }
        th, td { border: 1px solid #d0d7de; padding: 4px 6px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
        th { background: #f3f5f7; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        form.filters, form.rerun { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; margin: 8px 0; }
        form label { display: flex; flex-direction: column; font-size: 12px; gap: 2px; }
        input, select, button { font: inherit; padding: 3px 6px; }
        .status-completed { color: #1a7f37; font-weight: 600; }
        .status-failed { color: #b00020; font-weight: 600; }
        .status-running, .status-queued { color: #8a5a00; font-weight: 600; }
        .muted { color: #666; }
        .error { color: #b00020; }
        iframe.report { width: 100%; height: 900px; border: 1px solid #d0d7de; }
        @media print {
          header.top, form, .noprint, iframe.report { display: none; }
          main { max-width: none; padding: 0; }
          body { font-size: 10pt; }
          tr { break-inside: avoid; }
          thead { display: table-header-group; }
        }
        """;

    public static string E(string? value) => WebUtility.HtmlEncode(value ?? string.Empty);

    public static string N(long value) => value.ToString("#,##0", Invariant);

    public static string Money(decimal? value, string? currency) =>
        value is { } amount ? amount.ToString("#,##0.00", Invariant) + (string.IsNullOrEmpty(currency) ? string.Empty : " " + currency) : "—";

    public static string MoneyCell(decimal? value, string? currency) => "<td class=\"num\">" + E(Money(value, currency)) + "</td>";

    public static string Time(DateTimeOffset? value, TimeZoneInfo zone) =>
        value is { } at ? TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm:ss zzz", Invariant) : "—";

    public static string Url(string path, params (string Name, string? Value)[] query)
    {
        var parts = query.Where(q => !string.IsNullOrEmpty(q.Value)).Select(q => q.Name + "=" + Uri.EscapeDataString(q.Value!)).ToList();
        return parts.Count == 0 ? path : path + "?" + string.Join('&', parts);
    }

    /// <summary>The hidden antiforgery field a form posts back.</summary>
    public static string Antiforgery(HttpContext http, IAntiforgery antiforgery)
    {
        ArgumentNullException.ThrowIfNull(antiforgery);
        var tokens = antiforgery.GetAndStoreTokens(http);
        return "<input type=\"hidden\" name=\"" + E(tokens.FormFieldName) + "\" value=\"" + E(tokens.RequestToken) + "\">";
    }

    /// <summary>A whole page: the navigation for the signed-in user, then <paramref name="body"/>; refreshes itself when <paramref name="refreshSeconds"/> is set.</summary>
    public static IResult Page(HttpContext http, IAntiforgery antiforgery, string title, string body, int? refreshSeconds = null, int statusCode = 200)
    {
        ArgumentNullException.ThrowIfNull(http);
        var user = http.User;
        var html = new StringBuilder(body.Length + 4096);
        html.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        if (refreshSeconds is { } seconds)
        {
            // No script: the page reloads itself while a run is going.
            html.Append("<meta http-equiv=\"refresh\" content=\"").Append(seconds.ToString(Invariant)).Append("\">\n");
        }

        html.Append("<title>").Append(E(title)).Append(" — Reconciler</title>\n<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n");
        if (user.Identity?.IsAuthenticated == true)
        {
            var roles = string.Join(", ", user.FindAll(ClaimTypes.Role).Select(c => c.Value));
            html.Append("<header class=\"top\"><a href=\"/\">Runs</a><a href=\"/findings\">Findings</a><a href=\"/incidents\">Incidents</a>")
                .Append("<a href=\"/compensations\">Compensations</a>")
                .Append(user.IsInRole(Roles.Operator) ? "<a href=\"/hangfire\">Jobs</a>" : string.Empty)
                .Append("<form method=\"get\" action=\"/orders\"><input name=\"orderNo\" placeholder=\"Order number\" aria-label=\"Order number\"></form>")
                .Append("<span class=\"who\">").Append(E(user.Identity.Name)).Append(" (").Append(E(roles)).Append(")</span>")
                .Append("<form method=\"post\" action=\"/signout\">").Append(Antiforgery(http, antiforgery)).Append("<button type=\"submit\">Sign out</button></form>")
                .Append("</header>\n");
        }

        html.Append("<main>\n<h1>").Append(E(title)).Append("</h1>\n").Append(body).Append("\n</main>\n</body>\n</html>\n");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, statusCode);
    }
}
