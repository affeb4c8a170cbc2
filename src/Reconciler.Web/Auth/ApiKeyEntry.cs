namespace Reconciler.Web.Auth;

/// <summary>One configured API key: who holds it, the SHA-256 of the key (hex), and its roles.</summary>
public sealed class ApiKeyEntry
{
    public string Name { get; set; } = string.Empty;

    public string KeySha256 { get; set; } = string.Empty;

    public IList<string> Roles { get; init; } = [];
}
