using Hangfire;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reconciler.Jobs;
using Reconciler.Jobs.Scheduling;
using Reconciler.Storage;
using Reconciler.Web.Api;
using Reconciler.Web.Auth;
using Reconciler.Web.Hosting;
using Reconciler.Web.Pages;

namespace Reconciler.Web;

/// <summary>
/// <c>reconciler serve</c>: one ASP.NET Core host with the Hangfire server (PostgreSQL storage in its own schema),
/// the dashboard at <c>/hangfire</c> (operator keys), the HTTP API at <c>/api</c>, <c>/health</c> and the OpenAPI document.
/// </summary>
public static class ServeApp
{
    private const string SelectorScheme = "KeyOrSession";
    private const string SessionCookie = "reconciler.session";

    public static WebApplication Build(IConfiguration configuration, StorageOptions storage, string[]? urls = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(storage);
        var options = configuration.GetSection(ReconcilerOptions.Section).Get<ReconcilerOptions>() ?? new ReconcilerOptions();
        var api = configuration.GetSection(ApiOptions.Section).Get<ApiOptions>() ?? new ApiOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Configuration.AddConfiguration(configuration);
        if (urls is { Length: > 0 })
        {
            builder.WebHost.UseUrls(urls);
        }

        // Every request of the API is a few hundred bytes of JSON or a form: a megabyte is far more than any needs.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });

        builder.Logging.ClearProviders();
        // Request-by-request framework chatter drowns the run log; configuration (Logging:LogLevel) can turn it back on.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Reconciler", LogLevel.Information);
        builder.Logging.AddFilter("Hangfire", LogLevel.Information);
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
        });

        var services = builder.Services;
        services.AddReconcilerStorage(storage);
        services.AddReconcilerJobs(options);
        services.AddSingleton(api);
        services.AddSingleton(new ApiKeys(api));

        services.AddHangfire(config => config
            .UseReconcilerStorage(storage, options.Jobs)
            .UseFilter(new RunRetryFilter(options.Jobs.Retries, options.Jobs.RetryDelay)));
        services.AddHangfireServer(server =>
        {
            server.WorkerCount = options.Jobs.WorkerCount;
            server.ShutdownTimeout = options.Jobs.ShutdownTimeout;
            server.CancellationCheckInterval = options.Jobs.CancellationCheckInterval;
            server.SchedulePollingInterval = options.Jobs.SchedulePollingInterval;
            // Hangfire makes the server id "<name>:<process id>:<guid>"; the run record keeps it as who executed the run.
            server.ServerName = Environment.MachineName;
        });
        services.AddHostedService<RecurringJobsRegistration>();

        // The API answers bearer keys only (a cookie never authorises an API call, so no cross-site request can make one);
        // pages and the dashboard take the session cookie of the sign-in form, or a bearer header when one is sent.
        services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, null, selector => selector.ForwardDefaultSelector = http =>
                UsesKey(http.Request) ? ApiKeyAuthenticationHandler.SchemeName : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, cookie =>
            {
                cookie.Cookie.Name = SessionCookie;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.LoginPath = "/signin";
                cookie.LogoutPath = "/signout";
                cookie.AccessDeniedPath = "/denied";
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.SlidingExpiration = true;
            });
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "reconciler.antiforgery";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Roles.ReadPolicy, p => p.RequireRole(Roles.Finance, Roles.Operator))
            .AddPolicy(Roles.OperatePolicy, p => p.RequireRole(Roles.Operator))
            .AddPolicy(Roles.CompensationPolicy, p => p.RequireRole(Roles.Compensation));
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()));

        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapHealthEndpoints();
        app.MapRunEndpoints();
        app.MapCompensationEndpoints();
        app.MapEventEndpoints();
        app.MapOrderEndpoints();
        app.MapIncidentEndpoints();
        app.MapSessionEndpoints();
        app.MapPageEndpoints();
        app.MapOpenApi();
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new DashboardAuthorizationFilter()],
            // Hangfire checks antiforgery tokens on its POSTs once the service exists; bearer callers carry none and
            // cannot be forged, and the session cookie is SameSite=Strict, so no other site's request carries it.
            IgnoreAntiforgeryToken = true,
            DashboardTitle = "Reconciler jobs",
            AppPath = null,
        }).RequireAuthorization(Roles.OperatePolicy);
        return app;
    }

    /// <summary>
    /// The API and the OpenAPI document take bearer keys only; a request that sends a key uses it anywhere; the dashboard
    /// without a session answers 401 like the API; every other page uses the session cookie (and signs in without one).
    /// </summary>
    private static bool UsesKey(HttpRequest request) =>
        request.Headers.Authorization.Count > 0
        || request.Path.StartsWithSegments("/api")
        || request.Path.StartsWithSegments("/openapi")
        || (request.Path.StartsWithSegments("/hangfire") && !request.Cookies.ContainsKey(SessionCookie));
}
