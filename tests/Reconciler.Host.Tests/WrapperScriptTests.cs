using Reconciler.Host.Tests.Support;
using Reconciler.Testing;

namespace Reconciler.Host.Tests;

/// <summary><c>scripts/reconciler</c>, the wrapper operators run: it builds the CLI when needed, then runs it.</summary>
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
                new Dictionary<string, string?>(), directory, TimeSpan.FromMinutes(3));

            result.ExitCode.Should().Be(0, result.ToString());
            result.Stdout.Should().Contain("run").And.Contain("migrate").And.Contain("quarantine");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
