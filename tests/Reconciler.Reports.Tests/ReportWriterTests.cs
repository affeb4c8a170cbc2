using static Reconciler.Reports.Tests.SampleReports;

namespace Reconciler.Reports.Tests;

public sealed class ReportWriterTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "reconciler-reports-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void WriteAll_WritesTheThreeFilesAndNoTmp_WhenTheFolderDoesNotExist()
    {
        var outDir = Path.Combine(_root, "out", "2026-11-21");

        var paths = ReportWriter.WriteAll(Report(), outDir);

        paths.Select(Path.GetFileName).Should().Equal("mismatches.csv", "report.html", "summary.json");
        paths.Should().OnlyContain(p => File.Exists(p) && new FileInfo(p).Length > 0);
        Directory.GetFiles(outDir).Select(Path.GetFileName).Should().BeEquivalentTo("mismatches.csv", "report.html", "summary.json");
        Directory.GetFiles(outDir, "*.tmp").Should().BeEmpty();
    }

    [Fact]
    public void WriteAll_ReplacesEarlierOutputs_WhenRunAgain()
    {
        ReportWriter.WriteAll(Report(), _root);

        var paths = ReportWriter.WriteAll(Report(findings: []), _root);

        File.ReadAllText(paths[0]).Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(1);
        Directory.GetFiles(_root, "*.tmp").Should().BeEmpty();
    }
}
