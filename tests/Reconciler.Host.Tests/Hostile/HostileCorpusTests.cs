using System.Globalization;
using Reconciler.Host.Tests.Support;
using Reconciler.Testing;

namespace Reconciler.Host.Tests.Hostile;

/// <summary>
/// Issue 10's hostile inputs through the real CLI against a real database, one fresh schema per case: never a crash,
/// never a silent drop (every file's rows and quarantined lines as the table says), never a wrong finding (exactly the
/// table's findings), and every output escapes what it shows.
/// </summary>
public sealed class HostileCorpusTests(HostileCorpus corpus) : IClassFixture<HostileCorpus>
{
    private static readonly string[] Formulas = ["=", "+", "@", "\t", "\r"];

    public static TheoryData<string> Cases() => [.. HostileCorpus.Table.Cases.Select(c => c.Case)];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Run_ComesToTheTablesOutcome_ForEachHostileInbox(string caseName)
    {
        var expected = HostileCorpus.Table.Cases.Single(c => c.Case == caseName);
        await using var sandbox = await CliSandbox.CreateAsync();
        sandbox.Environment["RECONCILER__Reconciler__ExpectedDailySettlement"] = string.Empty;
        foreach (var (key, value) in expected.Env ?? new Dictionary<string, string>())
        {
            sandbox.Environment[key] = value;
        }

        var outDir = sandbox.PathOf("out");
        var result = await sandbox.RunAsync(
            "run", "--date", expected.Date ?? HostileCorpus.Table.Date, "--as-of", HostileCorpus.Table.AsOf,
            "--inbox", corpus.Inbox(caseName), "--out", outDir);

        result.ExitCode.Should().Be(expected.Exit, result.ToString());
        result.Stderr.Should().NotContain("   at ", "no stack trace reaches the operator").And.NotContain("Unhandled");
        File.Exists(sandbox.PathOf("pwned")).Should().BeFalse("a file name is never run by a shell");
        File.Exists(Path.Combine(corpus.Root, "x.csv")).Should().BeFalse("zip entries are never extracted");
        File.Exists("/tmp/reconciler-escape.csv").Should().BeFalse();
        if (expected.Exit != 0)
        {
            result.StderrLines.Should().ContainSingle().Which.Should().StartWith("reconciler: ").And.Contain(expected.Stderr);
            (await sandbox.CountAsync("imported_file")).Should().Be(0, "nothing is imported when the run cannot start");
            Directory.Exists(outDir).Should().BeFalse();
            return;
        }

        var files = await sandbox.Database.QueryAsync<(string Name, string Status, long Rows, long Quarantined, string? Detail)>(
            """
            SELECT r.source_name, r.status, coalesce(f.rows_imported, 0), coalesce(f.rows_quarantined, 0), r.detail
            FROM run_file r LEFT JOIN imported_file f USING (file_id) ORDER BY r.seq
            """);
        files.Select(f => f.Name).Should().BeEquivalentTo(expected.Files!.Select(f => f.Name), "every file of the inbox is accounted for");
        foreach (var file in expected.Files!)
        {
            var actual = files.Single(f => f.Name == file.Name);
            (actual.Status, actual.Rows, actual.Quarantined).Should().Be((file.Status, file.Rows, file.Quarantined), file.Name);
            if (file.Detail.Length > 0)
            {
                actual.Detail.Should().Contain(file.Detail, file.Name);
            }
        }

        var mismatches = Rfc4180.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "mismatches.csv")));
        var header = mismatches[0].ToList();
        var findings = mismatches.Skip(1).Select(r => $"{r[header.IndexOf("kind")]} {r[header.IndexOf("order_no")]}").ToList();
        findings.Should().BeEquivalentTo(expected.Findings!, "exactly the table's findings, never a wrong one");
        mismatches.Skip(1).SelectMany(r => r).Where(cell => !decimal.TryParse(cell, NumberStyles.Number, CultureInfo.InvariantCulture, out _))
            .Should().NotContain(cell => Formulas.Any(cell.StartsWith) || (cell.StartsWith('-') && cell.Length > 1),
                "a spreadsheet must not run a cell of mismatches.csv");

        var html = await File.ReadAllTextAsync(Path.Combine(outDir, "report.html"));
        html.Length.Should().BeLessThan(1_000_000, "no input value swells the report");
        html.Should().NotContainAny("<img", "<script", "onerror=alert(1)>");
    }
}
