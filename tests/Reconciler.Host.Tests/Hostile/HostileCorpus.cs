using System.Text.Json;
using Reconciler.Host.Tests.Support;
using Reconciler.Testing;

namespace Reconciler.Host.Tests.Hostile;

/// <summary>
/// The hostile-input corpus, generated once per test run by <c>TestData/Hostile/generate.py</c> (the bombs and the
/// 30 MB line are made there, never checked in), and its table of expected outcomes, <c>cases.json</c>.
/// </summary>
public sealed class HostileCorpus : IAsyncLifetime
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    public static string Folder { get; } = Path.Combine(RepoPaths.Root, "tests", "Reconciler.Host.Tests", "TestData", "Hostile");

    public static CorpusTable Table { get; } = JsonSerializer.Deserialize<CorpusTable>(
        File.ReadAllText(Path.Combine(Folder, "cases.json")), JsonOptions)!;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "reconciler-hostile", Guid.NewGuid().ToString("N"));

    public string Inbox(string caseName) => Path.Combine(Root, caseName);

    public async Task InitializeAsync()
    {
        var result = await CliProcess.RunAsync(
            "python3", [Path.Combine(Folder, "generate.py"), RepoPaths.Root, Root], new Dictionary<string, string?>(), RepoPaths.Root, TimeSpan.FromMinutes(3));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"generate.py failed: {result}");
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }
}
