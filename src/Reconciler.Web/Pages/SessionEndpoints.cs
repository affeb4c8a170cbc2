using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Reconciler.Web.Auth;
using static Reconciler.Web.Pages.PageHtml;

namespace Reconciler.Web.Pages;

/// <summary>The sign-in form: an API key in, an HttpOnly SameSite session cookie out (the key itself is never stored in it).</summary>
public static class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/signin", SignInForm).AllowAnonymous().ExcludeFromDescription();
        routes.MapPost("/signin", SignInAsync).AllowAnonymous().ExcludeFromDescription();
        routes.MapPost("/signout", SignOutAsync).ExcludeFromDescription();
        routes.MapGet("/denied", (HttpContext http, IAntiforgery antiforgery) =>
            Page(http, antiforgery, "Not allowed", "<p>Your key's roles do not allow this page.</p>", statusCode: StatusCodes.Status403Forbidden))
            .AllowAnonymous().ExcludeFromDescription();
        return routes;
    }

    private static IResult SignInForm(HttpContext http, IAntiforgery antiforgery, string? returnUrl) =>
        Form(http, antiforgery, returnUrl, error: null);

    private static IResult Form(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? error, int statusCode = StatusCodes.Status200OK) =>
        Page(http, antiforgery, "Sign in",
            (error is null ? string.Empty : "<p class=\"error\" role=\"alert\">" + E(error) + "</p>")
            + "<form class=\"rerun\" method=\"post\" action=\"/signin\">" + Antiforgery(http, antiforgery)
            + "<input type=\"hidden\" name=\"returnUrl\" value=\"" + E(returnUrl) + "\">"
            + "<label>API key<input type=\"password\" name=\"key\" autocomplete=\"current-password\" required></label>"
            + "<button type=\"submit\">Sign in</button></form>", statusCode: statusCode);

    private static async Task<IResult> SignInAsync(HttpContext http, IAntiforgery antiforgery, ApiKeys keys, [FromForm] string? key, [FromForm] string? returnUrl)
    {
        var entry = string.IsNullOrWhiteSpace(key) ? null : keys.Find(key.Trim());
        if (entry is null)
        {
            return Form(http, antiforgery, returnUrl, "That key is not known.", StatusCodes.Status401Unauthorized);
        }

        var claims = new List<Claim> { new(ClaimTypes.Name, entry.Name) };
        claims.AddRange(entry.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme)));
        // Only a local path: a sign-in link must not send the user to another site.
        var target = returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/";
        return Results.Redirect(target);
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, [FromForm] string? unused)
    {
        _ = unused;
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.Redirect("/signin");
    }
}
