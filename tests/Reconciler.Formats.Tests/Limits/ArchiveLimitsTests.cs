using System.IO.Compression;
using System.Text;
using Reconciler.Formats.Detection;
using Reconciler.Formats.Limits;

namespace Reconciler.Formats.Tests.Limits;

public sealed class ArchiveLimitsTests : IDisposable
{
    private const string VendorCsv =
        "vendor,vendor_order_id,order_no,target_account,sku,quantity,face_value,cost,status,voucher,finished_at\n" +
        "carrier,V-1,A1,13800000000,CM-50,1,50,49,success,,2026-11-20T10:00:00+08:00\n";

    private readonly string _temp = Directory.CreateTempSubdirectory("fmt-limits-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static FormatDetector Detector(InputLimits? limits = null) => new(BuiltInReaders.Create(new FormatOptions()), limits);

    private string Zip(string name, params (string Entry, byte[] Bytes)[] entries)
    {
        var path = Path.Combine(_temp, name);
        using var archive = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (entry, bytes) in entries)
        {
            using var stream = archive.CreateEntry(entry).Open();
            stream.Write(bytes);
        }

        return path;
    }

    [Fact]
    public void Detect_RefusesAnArchiveInsideAnArchive_AndReadsItsOtherEntries()
    {
        var inner = File.ReadAllBytes(Zip("inner.zip", ("vendor.csv", Encoding.UTF8.GetBytes(VendorCsv))));
        var path = Zip("outer.zip", ("inner.zip", inner), ("vendor.csv", Encoding.UTF8.GetBytes(VendorCsv)));

        var detected = Detector().Detect(path);

        detected.Entries.Should().ContainSingle().Which.EntryName.Should().Be("vendor.csv");
        detected.Refused.Should().ContainSingle().Which.Reason.Should().Contain("outer.zip!inner.zip").And.Contain("archive inside an archive");
    }

    [Fact]
    public void Detect_RefusesTheArchive_WhenItHasMoreEntriesThanTheLimit()
    {
        var entries = Enumerable.Range(0, 6).Select(i => ($"v{i}.csv", Encoding.UTF8.GetBytes(VendorCsv))).ToArray();
        var path = Zip("many.zip", entries);

        var detected = Detector(new InputLimits { MaxArchiveEntries = 5 }).Detect(path);

        detected.Entries.Should().BeEmpty();
        detected.Refused.Should().ContainSingle().Which.Reason.Should().Contain("6 entries").And.Contain("MaxArchiveEntries = 5");
    }

    [Fact]
    public void Detect_RefusesTheArchive_WhenTwoEntriesShareAName()
    {
        var path = Zip("twice.zip", ("v.csv", Encoding.UTF8.GetBytes(VendorCsv)), ("v.csv", Encoding.UTF8.GetBytes(VendorCsv)));

        var detected = Detector().Detect(path);

        detected.Entries.Should().BeEmpty();
        detected.Refused.Single().Reason.Should().Contain("two entries are named 'v.csv'");
    }

    [Fact]
    public void Detect_RefusesAnEntryWhoseDeclaredRatioIsABomb_BeforeReadingIt()
    {
        var path = Zip("bomb.zip", ("bill.csv", new byte[8 * 1024 * 1024]));

        var detected = Detector().Detect(path);

        detected.Refused.Should().ContainSingle().Which.Reason.Should().Contain("MaxCompressionRatio");
    }

    [Fact]
    public void Open_ReadsAnEntryNamedWithDotDot_WithoutTouchingTheDisk()
    {
        var path = Zip("escape.zip", ("../escape.csv", Encoding.UTF8.GetBytes(VendorCsv)));

        var entry = Detector().Detect(path).Entries.Single();
        using var stream = entry.Open();
        using var reader = new StreamReader(stream);

        reader.ReadToEnd().Should().Be(VendorCsv);
        File.Exists(Path.Combine(Path.GetDirectoryName(_temp)!, "escape.csv")).Should().BeFalse();
    }
}
