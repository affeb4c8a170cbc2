using System.Text.Json;
using Reconciler.Testing;

namespace Reconciler.Host.Tests.Support;

/// <summary>A sample day of samples/ and what a run of it must write.</summary>
public sealed class SampleDay(string date)
{
    public static SampleDay November20 { get; } = new("2026-11-20");

    /// <summary>Every real format at once: a bill downloaded twice, a zipped GBK Alipay bill and a truncated copy, UnionPay ZM, Stripe, Adyen.</summary>
    public static SampleDay November21 { get; } = new("2026-11-21");

    public string Date { get; } = date;

    /// <summary>The as-of the samples' expected results assume: the next day 10:30 in Beijing.</summary>
    public string AsOf => DateOnly.ParseExact(Date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
        .AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + "T10:30:00+08:00";

    public string Folder => RepoPaths.Sample(Date);

    public string Inbox => Path.Combine(Folder, "inbox");

    public IReadOnlyList<Dictionary<string, string>> ExpectedMismatches => Rfc4180.ReadFile(Path.Combine(Folder, "expected-mismatches.csv"));

    public IReadOnlyList<Dictionary<string, string>> ExpectedFiles => Rfc4180.ReadFile(Path.Combine(Folder, "expected-files.csv"));

    public string[] RunArgs(string outDir, string? asOf = null) =>
        ["run", "--date", Date, "--as-of", asOf ?? AsOf, "--inbox", Inbox, "--out", outDir];

    /// <summary>
    /// mismatches.csv equals expected-mismatches.csv in every column but <c>detail</c> (which must say something),
    /// with every status replaced by <paramref name="status"/>; returns the rows read.
    /// </summary>
    public IReadOnlyList<Dictionary<string, string>> AssertMismatches(string outDir, string status)
    {
        var path = Path.Combine(outDir, "mismatches.csv");
        File.Exists(path).Should().BeTrue("the run writes {0}", path);
        var expectedHeader = Rfc4180.Parse(File.ReadAllText(Path.Combine(Folder, "expected-mismatches.csv")))[0];
        Rfc4180.Parse(File.ReadAllText(path))[0].Should().Equal(expectedHeader, "mismatches.csv has the documented columns in order");

        var actual = Rfc4180.ReadFile(path);
        var expected = ExpectedMismatches;
        actual.Select(r => r["finding_id"]).Should().Equal(expected.Select(r => r["finding_id"]), "the same findings in the same order");
        foreach (var (want, got) in expected.Zip(actual))
        {
            foreach (var column in expectedHeader.Where(c => c != "detail"))
            {
                var value = column == "status" ? status : want[column];
                got[column].Should().Be(value, "column {0} of finding {1} ({2} {3})", column, want["finding_id"], want["order_no"], want["kind"]);
            }

            got["detail"].Should().NotBeNullOrWhiteSpace("finding {0} ({1}) explains itself", want["finding_id"], want["kind"]);
        }

        return actual;
    }

    public static JsonDocument ReadSummary(string outDir)
    {
        var path = Path.Combine(outDir, "summary.json");
        File.Exists(path).Should().BeTrue("the run writes {0}", path);
        return JsonDocument.Parse(File.ReadAllText(path));
    }
}
