using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Reconciler.Web.Hosting;

/// <summary>
/// Headers on every answer: no MIME sniffing, no framing, no referrer leaking run ids, and a Content Security Policy
/// that lets our pages load nothing from elsewhere (the Hangfire dashboard brings its own inline scripts and keeps its
/// own policy).
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>The run page shows report.html in a frame of its own origin; nothing else may be framed, by anyone.</summary>
    private static bool MayBeFramedBySelf(PathString path) =>
        path.StartsWithSegments("/runs", StringComparison.Ordinal) && path.Value!.EndsWith("/report.html", StringComparison.Ordinal);

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                var framedBySelf = MayBeFramedBySelf(context.Request.Path);
                headers.XFrameOptions = framedBySelf ? "SAMEORIGIN" : "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                if (!context.Request.Path.StartsWithSegments("/hangfire", StringComparison.Ordinal))
                {
                    headers.ContentSecurityPolicy = framedBySelf
                        ? ContentSecurityPolicy.Replace("frame-ancestors 'none'", "frame-ancestors 'self'", StringComparison.Ordinal)
                        : ContentSecurityPolicy;
                }

                return Task.CompletedTask;
            });
            await next(context);
        });
}
