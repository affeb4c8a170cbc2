using Hangfire.Dashboard;

namespace Reconciler.Web.Auth;

/// <summary>Opens the Hangfire dashboard to operator keys only (Hangfire's default would refuse every remote request).</summary>
public sealed class DashboardAuthorizationFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetHttpContext().User.IsInRole(Roles.Operator);
    }
}
