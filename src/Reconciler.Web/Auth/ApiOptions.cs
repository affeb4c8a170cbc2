namespace Reconciler.Web.Auth;

/// <summary>The settings of section <c>Reconciler:Api</c>: the keys that may call the API, the pages and the dashboard.</summary>
public sealed class ApiOptions
{
    public const string Section = "Reconciler:Api";

    public IList<ApiKeyEntry> Keys { get; init; } = [];
}
