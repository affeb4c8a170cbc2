using Reconciler.Testing;

namespace Reconciler.Jobs.Tests.Running;

/// <summary>Compares mismatches.csv files column by column.</summary>
public static class MismatchFile
{
    public static IReadOnlyList<Dictionary<string, string>> Read(string path) => Rfc4180.ReadFile(path);

    /// <summary>Each row as one line of its cells except <c>detail</c>, the engine's free text.</summary>
    public static IReadOnlyList<string> WithoutDetail(string path) =>
        Read(path).Select(row => string.Join("|", row.Where(c => c.Key != "detail").Select(c => $"{c.Key}={c.Value}"))).ToList();
}
