using Reconciler.Core.Matching;
using Reconciler.Reports.Model;
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

    public static TheoryData<string> FindingSets => new() { "sample", "none", "resolved too", "escapes and empties" };

    // Text the writers must escape (markup, quotes, control and line-separator characters, Chinese, an emoji), every
    // column that may be empty empty, and amounts with their scale and a sign.
    private static IReadOnlyList<ReportedFinding> EscapesAndEmpties() =>
    [
        Reported(new Finding(
            "id-\"q\"", FindingKind.DeliveredWrongAccount, "单号-<1>&", "wechat", "T'1", "vendor\t\u2028",
            5.000m, -0.10m, 0, 3, "CNY", CompensationAction.ManualReview, null,
            "<b>\"quoted\" & 'single'</b>\r\n\t中文 \u2028 😀 \\ /"), ReportStatus.Open),
        Reported(new Finding(
            "id-empty", FindingKind.OrphanCharge, null, null, null, null, null, null, null, null, null, CompensationAction.None, null, "")),
        Reported(new Finding(
            "id-refund", FindingKind.PartiallyDelivered, "A1", "alipay", "2026112522001", "fulu", 100m, 100.00m, 1, 3, "CNY",
            CompensationAction.Refund, 66.67m, "delivered 1 of 3")),
    ];

    [Theory]
    [MemberData(nameof(FindingSets))]
    public void WriteAll_WritesSummaryJsonsFindingsFromTheReadAhead_TheSameBytesAsReadAgain(string set)
    {
        var report = set switch
        {
            "none" => Report(findings: []),
            "resolved too" => Report(resolved: Report().Findings.ToList()),
            "escapes and empties" => Report(findings: EscapesAndEmpties(), resolved: EscapesAndEmpties()),
            _ => Report(),
        };
        var together = Path.Combine(_root, "together");
        var ahead = Path.Combine(_root, "ahead");
        ReportWriter.WriteAll(report, together);

        ReportWriter.WriteMismatchesAhead(report.Findings, ahead);
        File.Exists(Path.Combine(ahead, "summary.json.findings.tmp")).Should().BeTrue();
        var paths = ReportWriter.WriteAll(report, ahead, mismatchesAhead: true);

        File.ReadAllBytes(paths[2]).Should().Equal(File.ReadAllBytes(Path.Combine(together, "summary.json")));
        Directory.GetFiles(ahead, "*.tmp").Should().BeEmpty();
    }

    [Fact]
    public void WriteAll_PutsInPlaceTheMismatchesWrittenAhead_TheSameBytesAsWrittenWithTheRest()
    {
        var report = Report();
        var together = Path.Combine(_root, "together");
        var ahead = Path.Combine(_root, "ahead");
        ReportWriter.WriteAll(report, together);

        ReportWriter.WriteMismatchesAhead(report.Findings, ahead);
        File.Exists(Path.Combine(ahead, "mismatches.csv.tmp")).Should().BeTrue();
        File.Exists(Path.Combine(ahead, "mismatches.csv")).Should().BeFalse("nothing is in place before the other two are written");
        var paths = ReportWriter.WriteAll(report, ahead, mismatchesAhead: true);

        File.ReadAllBytes(paths[0]).Should().Equal(File.ReadAllBytes(Path.Combine(together, "mismatches.csv")));
        Directory.GetFiles(ahead, "*.tmp").Should().BeEmpty();
    }

    [Fact]
    public async Task WriteAll_WritesReportHtmlBesideTheMismatchesStillBeingWritten_AndSummaryJsonOnceTheyAreDone()
    {
        var report = Report();
        var together = Path.Combine(_root, "together");
        var ahead = Path.Combine(_root, "ahead");
        ReportWriter.WriteAll(report, together);
        Directory.CreateDirectory(ahead);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var mismatchesWritten = gate.Task.ContinueWith(
            _ => ReportWriter.WriteMismatchesAhead(report.Findings, ahead), CancellationToken.None,
            TaskContinuationOptions.None, TaskScheduler.Default);

        var writing = Task.Run(() => ReportWriter.WriteAll(report, ahead, mismatchesAhead: true, mismatchesWritten: mismatchesWritten));

        SpinWait.SpinUntil(() => File.Exists(Path.Combine(ahead, "report.html.tmp")), TimeSpan.FromSeconds(30)).Should()
            .BeTrue("report.html needs the incidents, not the mismatches");
        writing.IsCompleted.Should().BeFalse("summary.json waits for its findings list");
        File.Exists(Path.Combine(ahead, "mismatches.csv.tmp")).Should().BeFalse();
        gate.SetResult();
        var paths = await writing;

        ShouldBeTheBytesWrittenTogether(paths, together, ahead);
    }

    [Fact]
    public async Task WriteAll_WritesSummaryJsonThroughTheFindingsWrittenSoFar_WhileMismatchesAreStillBeingWritten_AndTheRestAsTheyCome()
    {
        var together = Path.Combine(_root, "together");
        var ahead = Path.Combine(_root, "ahead");
        ReportWriter.WriteAll(Report(findings: ManyFindings()), together);
        Directory.CreateDirectory(ahead);

        var (gated, writing) = await WriteAllWithTheRowsGatedAsync(ahead, failAfterGate: null);

        writing.IsCompleted.Should().BeFalse("the rest of the findings is still to come");
        gated.Release();
        var paths = await writing;

        ShouldBeTheBytesWrittenTogether(paths, together, ahead);
    }

    [Fact]
    public async Task WriteAll_FailsWithTheMismatchesWritesError_WhenItFailsAfterSummaryJsonTookItsFindingsOver()
    {
        var (gated, writing) = await WriteAllWithTheRowsGatedAsync(
            _root, new IOException("No space left on device : 'mismatches.csv.tmp'"));

        gated.Release();
        var act = () => writing;

        await act.Should().ThrowAsync<IOException>().WithMessage("No space left on device*");
        Directory.GetFiles(_root).Should().BeEmpty();
    }

    /// <summary>Each output the same bytes as the one of that name written in one go, and no temporaries left.</summary>
    private static void ShouldBeTheBytesWrittenTogether(IReadOnlyList<string> paths, string together, string ahead)
    {
        foreach (var path in paths)
        {
            File.ReadAllBytes(path).Should().Equal(File.ReadAllBytes(Path.Combine(together, Path.GetFileName(path))), path);
        }

        Directory.GetFiles(ahead, "*.tmp").Should().BeEmpty();
    }

    private static List<ReportedFinding> ManyFindings() =>
        Enumerable.Range(0, 2000)
            .Select(i => Reported(Finding(FindingKind.ChargedNotDelivered, $"B{i:D5}", 30.00m, 30.00m, action: CompensationAction.Refund)))
            .ToList();

    /// <summary>
    /// Starts mismatches.csv's write ahead of <see cref="ManyFindings"/> and stops its read after 1000 of them, then starts
    /// <see cref="ReportWriter.WriteAll"/> and returns once summary.json holds those 1000 (about 300 bytes each).
    /// </summary>
    private static async Task<(GatedFindings Gated, Task<IReadOnlyList<string>> Writing)> WriteAllWithTheRowsGatedAsync(
        string folder, Exception? failAfterGate)
    {
        var findings = ManyFindings();
        var gated = new GatedFindings(findings, gateAfter: 1000, failAfterGate);
        var report = Report(findings: findings) with { Findings = gated };
        var mismatchesWritten = Task.Run(() => ReportWriter.WriteMismatchesAhead(report.Findings, folder));
        await gated.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var writing = Task.Run(() => ReportWriter.WriteAll(report, folder, mismatchesAhead: true, mismatchesWritten: mismatchesWritten));
        var summary = Path.Combine(folder, "summary.json.tmp");
        SpinWait.SpinUntil(() => File.Exists(summary) && new FileInfo(summary).Length > 200_000, TimeSpan.FromSeconds(30)).Should()
            .BeTrue("summary.json copies the findings written so far instead of waiting for the last");
        return (gated, writing);
    }

    /// <summary>Findings whose read in key order stops after <c>gateAfter</c> of them until <see cref="Release"/>.</summary>
    private sealed class GatedFindings(IReadOnlyList<ReportedFinding> findings, int gateAfter, Exception? failAfterGate = null) : ReportedFindings(
        findings.Count,
        findings.LongCount(f => f.Status == ReportStatus.New),
        findings.LongCount(f => f.Status == ReportStatus.Open),
        findings.LongCount(f => f.Finding.Kind == FindingKind.Pending))
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        public override IEnumerable<ReportedFinding> Read(FindingOrder order)
        {
            var read = 0;
            foreach (var finding in Sort(findings, order))
            {
                if (order == FindingOrder.ByKey && read++ == gateAfter)
                {
                    Reached.TrySetResult();
                    _released.Task.Wait(TimeSpan.FromSeconds(60));
                    if (failAfterGate is not null)
                    {
                        throw failAfterGate;
                    }
                }

                yield return finding;
            }
        }
    }

    [Fact]
    public void WriteAll_FailsWithTheMismatchesWritesError_AndLeavesNoTemporaries_WhenItFailsAfterReportHtmlStarted()
    {
        var report = Report();
        var mismatchesWritten = Task.Run(async () =>
        {
            ReportWriter.WriteMismatchesAhead(report.Findings, _root);
            await Task.Delay(200);
            throw new IOException("No space left on device : 'mismatches.csv.tmp'");
        });

        var act = () => ReportWriter.WriteAll(report, _root, mismatchesAhead: true, mismatchesWritten: mismatchesWritten);

        act.Should().Throw<IOException>().WithMessage("No space left on device*");
        Directory.GetFiles(_root).Should().BeEmpty();
    }

    [Fact]
    public void WriteAll_Refuses_WhenTheMismatchesWereNotWrittenAhead_AndDeleteTemporariesCleansAFailedRun()
    {
        var act = () => ReportWriter.WriteAll(Report(), _root, mismatchesAhead: true);
        act.Should().Throw<InvalidOperationException>().WithMessage("*mismatches.csv was not written ahead*");
        Directory.GetFiles(_root, "*").Should().BeEmpty();

        ReportWriter.WriteAll(Report(), _root);
        ReportWriter.WriteMismatchesAhead(Report(findings: []).Findings, _root);
        ReportWriter.DeleteTemporaries(_root);

        Directory.GetFiles(_root, "*.tmp").Should().BeEmpty();
        File.ReadAllText(Path.Combine(_root, "mismatches.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Should()
            .HaveCount(Report().Findings.Count + 1, "the outputs in place stay as the last completed run wrote them");
    }

    [Fact]
    public void WriteAll_MakesAGzipCopyOfEachFileAsItWritesIt_ThatUnpacksToTheFilesBytes()
    {
        var report = Report();
        using var copies = new GzipCopies();

        ReportWriter.WriteMismatchesAhead(report.Findings, _root, copies);
        var paths = ReportWriter.WriteAll(report, _root, mismatchesAhead: true, gzipCopies: copies);

        foreach (var path in paths)
        {
            using var gzip = copies.OpenRead(Path.GetFileName(path));
            gzip.Should().NotBeNull(path);
            using var unpacked = new MemoryStream();
            using (var stream = new System.IO.Compression.GZipStream(gzip!, System.IO.Compression.CompressionMode.Decompress))
            {
                stream.CopyTo(unpacked);
            }

            unpacked.ToArray().Should().Equal(File.ReadAllBytes(path), path);
        }

        copies.Dispose();
        Directory.GetFiles(_root).Select(Path.GetFileName).Should().BeEquivalentTo(
            ["mismatches.csv", "report.html", "summary.json"], "the copies are removed once the run has stored them");
    }

    [Fact]
    public void DeleteTemporaries_RemovesTheGzipCopiesARunThatDiedLeft()
    {
        var copies = new GzipCopies();
        ReportWriter.WriteMismatchesAhead(Report().Findings, _root, copies);
        Directory.GetFiles(_root).Select(Path.GetFileName).Should().BeEquivalentTo(["mismatches.csv.tmp", "mismatches.csv.gz.tmp", "summary.json.findings.tmp"]);

        ReportWriter.DeleteTemporaries(_root);

        Directory.GetFiles(_root).Should().BeEmpty();
    }
}
