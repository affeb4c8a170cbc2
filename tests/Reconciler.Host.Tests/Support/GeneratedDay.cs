using System.Globalization;
using Reconciler.Testing;

namespace Reconciler.Host.Tests.Support;

/// <summary>A day of the benchmark generator (2026-11-25, real formats) in the sandbox, big enough for a run to take seconds.</summary>
public static class GeneratedDay
{
    public const string Date = "2026-11-25";
    public const string AsOf = "2026-11-26T10:30:00+08:00";

    /// <summary>Generates the day and returns its inbox folder.</summary>
    public static async Task<string> CreateAsync(CliSandbox sandbox, int orders)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        var folder = sandbox.PathOf("generated");
        var result = await CliProcess.RunAsync(
            "python3", [Path.Combine(RepoPaths.Root, "scripts", "bench", "generate_day.py"), orders.ToString(CultureInfo.InvariantCulture), folder],
            new Dictionary<string, string?>(), sandbox.Directory, TimeSpan.FromMinutes(3));
        result.ExitCode.Should().Be(0, result.ToString());
        return Path.Combine(folder, "inbox");
    }
}
