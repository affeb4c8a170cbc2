using Reconciler.Host.Tests.Support;
using Reconciler.Testing;

namespace Reconciler.Host.Tests;

/// <summary>
/// <c>scripts/reconciler</c>, the wrapper operators run: it builds the CLI when needed (a ReadyToRun publish, which on a
/// fresh machine first fetches the runtime packs, hence the long timeout), then runs it.
/// </summary>
public sealed class WrapperScriptTests
{
    [Fact]
    public async Task Help_ExitsZeroAndListsVerbs_WhenRunThroughScriptsReconciler()
    {
        var directory = Path.Combine(Path.GetTempPath(), "reconciler-host-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var result = await CliProcess.RunAsync(
                "bash", [Path.Combine(RepoPaths.Root, "scripts", "reconciler"), "--help"],
                new Dictionary<string, string?>(), directory, TimeSpan.FromMinutes(10));

            result.ExitCode.Should().Be(0, result.ToString());
            result.Stdout.Should().Contain("run").And.Contain("migrate").And.Contain("quarantine");
            // The stamp names the dll it built and ran: the ReadyToRun publish, or the plain build it fell back to.
            var built = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Reconciler.Host", "bin", "Release", ".built")).Trim();
            File.Exists(built).Should().BeTrue(built);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
