using System.Diagnostics;
using Reconciler.Core.Matching;
using Reconciler.Reports.Model;
using static Reconciler.Reports.Tests.SampleReports;

namespace Reconciler.Reports.Tests;

/// <summary>report.html as a real browser (Debian's headless Chromium, installed by scripts/test.sh) builds it.</summary>
public sealed class HtmlReportBrowserTests : IDisposable
{
    // 648.00, then 50.00, then 6.00 of compensation.
    private static readonly string[] LargestFirst = ["KM202611210000013", "&lt;img src=x", "KM202611210000099"];

    private static readonly string[] ChromiumSwitches =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly string _folder = Directory.CreateTempSubdirectory("report-browser-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Render_ShowsHostileTextAsTextAndTheFindingsLargestFirst_InARealBrowser()
    {
        var hostile = "<img src=x onerror=\"document.title='pwned'\">";
        var findings = new[]
        {
            Reported(Finding(FindingKind.ChargedNotDelivered, "KM202611210000013", 648.00m, 648.00m, action: CompensationAction.Refund)),
            Reported(Finding(FindingKind.PartiallyDelivered, hostile, 75.00m, 50.00m, action: CompensationAction.Refund)),
            Reported(Finding(FindingKind.ChargedNotDelivered, "KM202611210000099", 6.00m, 6.00m, action: CompensationAction.Refund)),
        };
        var paths = ReportWriter.WriteAll(Report(findings), _folder);
        var html = paths.Single(p => p.EndsWith("report.html", StringComparison.Ordinal));

        var dom = await RenderAsync(html);

        var title = dom[(dom.IndexOf("<title>", StringComparison.Ordinal) + 7)..dom.IndexOf("</title>", StringComparison.Ordinal)];
        title.Should().StartWith("Reconciliation", "an order number's markup must never run in the finance team's browser");
        dom.Should().NotContain("<img", "no element may come out of a value");
        dom.Should().Contain("&lt;img src=x");
        var positions = LargestFirst.Select(text => dom.IndexOf(text, StringComparison.Ordinal)).ToList();
        positions.Should().OnlyContain(i => i >= 0).And.BeInAscendingOrder();
    }

    private static async Task<string> RenderAsync(string path)
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        File.Exists(chromium).Should().BeTrue($"Chromium is needed to check report.html as a browser shows it; scripts/test.sh installs it (looked for {chromium})");
        var profile = Directory.CreateTempSubdirectory("chromium-profile-").FullName;
        try
        {
            var start = new ProcessStartInfo(chromium)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // Without the background-networking switches Chromium keeps dialling out, and this machine's network refuses it.
            foreach (var argument in ChromiumSwitches)
            {
                start.ArgumentList.Add(argument);
            }

            start.ArgumentList.Add("--user-data-dir=" + profile);
            start.ArgumentList.Add("--dump-dom");
            start.ArgumentList.Add(new Uri(path).AbsoluteUri);

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            process.ExitCode.Should().Be(0, await errors);
            return await output;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
