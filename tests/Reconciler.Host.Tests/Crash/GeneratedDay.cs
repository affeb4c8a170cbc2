using Reconciler.Host.Tests.Support;
using Reconciler.Testing;

namespace Reconciler.Host.Tests.Crash;

/// <summary>
/// A generated day of 3,000 orders in the real formats (scripts/bench/generate_day.py) and the state an uninterrupted
/// run leaves, which every crashed-and-rerun run must reproduce.
/// </summary>
public sealed class GeneratedDay : IAsyncLifetime
{
    public const string Date = "2026-11-25";
    public const string AsOf = "2026-11-26T10:30:00+08:00";

    private CliSandbox? _sandbox;

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "reconciler-crash", Guid.NewGuid().ToString("N"));

    public string Inbox => Path.Combine(Folder, "inbox");

    public RunState Uninterrupted { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var generated = await CliProcess.RunAsync(
            "python3", [Path.Combine(RepoPaths.Root, "scripts", "bench", "generate_day.py"), "3000", Folder],
            new Dictionary<string, string?>(), RepoPaths.Root, TimeSpan.FromMinutes(2));
        if (generated.ExitCode != 0)
        {
            throw new InvalidOperationException($"generate_day.py failed: {generated}");
        }

        _sandbox = await CliSandbox.CreateAsync();
        var outDir = _sandbox.PathOf("out");
        var run = await _sandbox.RunAsync("run", "--date", Date, "--as-of", AsOf, "--inbox", Inbox, "--out", outDir);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"the uninterrupted run failed: {run}");
        }

        Uninterrupted = await RunState.ReadAsync(_sandbox.Database, outDir);
    }

    public async Task DisposeAsync()
    {
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        Directory.Delete(Folder, recursive: true);
    }
}
