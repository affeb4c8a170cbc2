using Reconciler.Host.Tests.Support;
using Reconciler.Testing;

namespace Reconciler.Host.Tests;

/// <summary>
/// <c>scripts/vulnerable-packages.sh</c>, which CI runs: it fails on any vulnerable package the report names, direct or
/// transitive, and says when its sources serve no vulnerability data (a clean report then proves nothing). Fed saved
/// reports of <c>dotnet list package --vulnerable --format json</c>, since this machine's source serves no advisories.
/// </summary>
public sealed class VulnerablePackagesScriptTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("reconciler-vuln-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Script_FailsNamingThePackageAndItsAdvisory_WhenATransitivePackageIsVulnerable()
    {
        var result = await RunAsync(Report(
            """
            "topLevelPackages": [],
            "transitivePackages": [
              { "id": "Newtonsoft.Json", "resolvedVersion": "12.0.1",
                "vulnerabilities": [ { "severity": "High", "advisoryurl": "https://github.com/advisories/GHSA-5crp-9r3c-p9vr" } ] }
            ]
            """));

        result.ExitCode.Should().Be(1, result.ToString());
        result.Stderr.Should().Contain("Newtonsoft.Json 12.0.1").And.Contain("High").And.Contain("GHSA-5crp-9r3c-p9vr")
            .And.Contain("1 vulnerable package version(s)");
    }

    [Fact]
    public async Task Script_PassesSayingItProvesNothing_WhenNoSourceServesVulnerabilityData()
    {
        var clean = Report("\"topLevelPackages\": [], \"transitivePackages\": []");

        var result = await RunAsync(clean);
        var required = await RunAsync(clean, requireData: true);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Stderr.Should().Contain("serves vulnerability data").And.Contain("proves nothing here");
        required.ExitCode.Should().Be(1, "RECONCILER_REQUIRE_VULNERABILITY_DATA=1 wants a check that proves something\n{0}", required);
    }

    [Fact]
    public async Task Script_Fails_WhenTheReportCannotBeRead()
    {
        var path = Path.Combine(_folder, "broken.json");
        await File.WriteAllTextAsync(path, "{ not json");

        var result = await RunAsync(path);

        result.ExitCode.Should().Be(1, result.ToString());
        result.Stderr.Should().Contain("cannot read the report");
    }

    /// <summary>A report of one project and one framework, its source a local folder (which serves no advisories).</summary>
    private string Report(string packages)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path,
            $$"""
            {
              "version": 1,
              "parameters": "--vulnerable --include-transitive",
              "sources": [ "{{_folder}}" ],
              "projects": [ { "path": "src/App/App.csproj", "frameworks": [ { "framework": "net10.0", {{packages}} } ] } ]
            }
            """);
        return path;
    }

    private Task<CliResult> RunAsync(string report, bool requireData = false) =>
        CliProcess.RunAsync(
            "bash", [Path.Combine(RepoPaths.Root, "scripts", "vulnerable-packages.sh"), "--report", report],
            new Dictionary<string, string?> { ["RECONCILER_REQUIRE_VULNERABILITY_DATA"] = requireData ? "1" : "0" },
            _folder, TimeSpan.FromSeconds(60));
}
