using System.Security.Cryptography;
using System.Text;

namespace Reconciler.Web.Auth;

/// <summary>Makes keys and recognises them by the SHA-256 of their text; the key itself is never stored or logged.</summary>
public sealed class ApiKeys
{
    public const string Prefix = "rk_";

    private readonly List<(byte[] Hash, ApiKeyEntry Entry)> _entries;

    public ApiKeys(ApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _entries = [];
        foreach (var entry in options.Keys)
        {
            if (string.IsNullOrWhiteSpace(entry.Name) || entry.KeySha256.Length != 64)
            {
                throw new InvalidOperationException(
                    $"Reconciler:Api:Keys: the entry '{entry.Name}' needs a Name and a KeySha256 of 64 hex digits (make one with `reconciler keys new`)");
            }

            var unknown = entry.Roles.Where(r => !Roles.All.Contains(r, StringComparer.Ordinal)).ToList();
            if (unknown.Count > 0)
            {
                throw new InvalidOperationException(
                    $"Reconciler:Api:Keys: the key '{entry.Name}' has unknown role(s) {string.Join(", ", unknown)}; roles are {string.Join(", ", Roles.All)}");
            }

            _entries.Add((Convert.FromHexString(entry.KeySha256), entry));
        }
    }

    public int Count => _entries.Count;

    /// <summary>The entry whose hash the key has, comparing every entry in constant time.</summary>
    public ApiKeyEntry? Find(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = Hash(key);
        ApiKeyEntry? found = null;
        foreach (var (expected, entry) in _entries)
        {
            if (CryptographicOperations.FixedTimeEquals(expected, hash))
            {
                found = entry;
            }
        }

        return found;
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>A new random key (256 bits) and the hex SHA-256 to configure for it.</summary>
    public static (string Key, string Sha256) NewKey()
    {
        var key = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        return (key, Convert.ToHexStringLower(Hash(key)));
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
