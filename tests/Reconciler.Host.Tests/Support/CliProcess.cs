using System.Diagnostics;
using System.Text;
using Reconciler.Testing;

namespace Reconciler.Host.Tests.Support;

/// <summary>What a finished child process left behind.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The non-empty lines written to stderr.</summary>
    public IReadOnlyList<string> StderrLines { get; } =
        Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs a real process (the built CLI, or a script), captures stdout and stderr, and kills it when it overstays.</summary>
public static class CliProcess
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Debug or Release: the same configuration the test assembly was built in.</summary>
    public static string Configuration { get; } = FindConfiguration();

    /// <summary>The CLI as the solution build left it next to the test assembly's configuration.</summary>
    public static string CliDll { get; } =
        Path.Combine(RepoPaths.Root, "src", "Reconciler.Host", "bin", Configuration, "net10.0", "reconciler.dll");

    /// <summary>Runs <c>dotnet reconciler.dll args</c>.</summary>
    public static Task<CliResult> RunCliAsync(
        IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment, string workingDirectory, TimeSpan? timeout = null)
    {
        if (!File.Exists(CliDll))
        {
            throw new InvalidOperationException($"The CLI is not built at {CliDll}; run dotnet build first.");
        }

        return RunAsync("dotnet", [CliDll, .. args], environment, workingDirectory, timeout ?? DefaultTimeout);
    }

    public static async Task<CliResult> RunAsync(
        string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment, string workingDirectory, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Nothing from the developer's own shell may steer the child: only what the test passes.
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("RECONCILER", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException(
                $"{fileName} {string.Join(' ', start.ArgumentList)} did not finish within {timeout.TotalSeconds:0} s and was killed.\n" +
                $"--- stdout\n{await stdout}\n--- stderr\n{await stderr}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static string FindConfiguration()
    {
        // <project>/bin/<Configuration>/<tfm>/
        var tfm = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        return tfm.Parent?.Name is ("Debug" or "Release") and var name
            ? name
            : throw new InvalidOperationException($"Cannot tell Debug from Release by {AppContext.BaseDirectory}.");
    }
}
