using System.Security.Cryptography;
using System.Text;

namespace Reconciler.Core.Matching;

/// <summary>Derives a finding's id from its key, so every rerun finds the same finding (and compensation request) again.</summary>
public static class FindingIdentity
{
    public static string ForOrder(string orderNo, FindingKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(orderNo);
        return Hash($"order\u001f{orderNo}\u001f{kind.ToName()}");
    }

    public static string ForOrphan(string provider, string providerTxnId, FindingKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(providerTxnId);
        return Hash($"orphan\u001f{provider}\u001f{providerTxnId}\u001f{kind.ToName()}");
    }

    private static string Hash(string key)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), digest);
        return Convert.ToHexStringLower(digest[..12]);
    }
}
