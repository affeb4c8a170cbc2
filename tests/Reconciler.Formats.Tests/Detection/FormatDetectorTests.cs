using System.IO.Compression;
using Reconciler.Formats.Detection;
using Reconciler.Formats.Tests.Support;

namespace Reconciler.Formats.Tests.Detection;

public sealed class FormatDetectorTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("fmt-detector-").FullName;
    private readonly FormatDetector _detector = new(BuiltInReaders.Create(new FormatOptions()));

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Theory]
    [InlineData("platform/orders_20261118.csv", "orders")]
    [InlineData("providers/wechat/wechat_bill_ALL_20261118.csv", "wechat-bill")]
    [InlineData("providers/wechat/1900000109_20261118_all (1).csv", "wechat-bill")]
    [InlineData("vendors/carrier_delivery_20261118.csv", "vendor-csv")]
    [InlineData("vendors/fulu_orders_20261118.jsonl", "fulu-jsonl")]
    [InlineData("providers/intl/settlement_detail_report_batch_412.csv", "adyen-settlement")]
    [InlineData("providers/intl/payout_reconciliation_2026-11-18.csv", "stripe-payout")]
    [InlineData("providers/alipay/20881234567890120156_20261118.csv.zip", "alipay-trade")]
    public void Detect_PicksTheRightReader_ForEachExampleFile(string file, string format)
    {
        var detected = _detector.Detect(TestFiles.PathOf($"{TestFiles.ExampleDay}/{file}"));

        detected.Entries.Should().ContainSingle().Which.Reader.Format.Should().Be(format);
    }

    [Fact]
    public void Detect_PicksTheWeChatReader_ForTheXmlNoBillAnswer()
    {
        var detected = _detector.Detect(TestFiles.PathOf("WeChat/no_bill_20261118.csv"));

        detected.Entries.Single().Reader.Format.Should().Be("wechat-bill");
    }

    [Fact]
    public void Detect_UnwrapsGzipIntoTheWeChatReader_WhenTheBillWasDownloadedCompressed()
    {
        var path = Path.Combine(_temp, "1900000109_20261118_all.csv.gz");
        using (var target = File.Create(path))
        using (var gzip = new GZipStream(target, CompressionLevel.Optimal))
        using (var source = File.OpenRead(TestFiles.PathOf($"{TestFiles.ExampleDay}/providers/wechat/wechat_bill_ALL_20261118.csv")))
        {
            source.CopyTo(gzip);
        }

        var entry = _detector.Detect(path).Entries.Single();
        var context = TestFiles.Context(entry.SourceName);
        using var content = entry.Open();
        var rows = entry.Reader.Read(content, context).ToList();

        entry.Reader.Format.Should().Be("wechat-bill");
        entry.SourceName.Should().Be("1900000109_20261118_all.csv.gz!1900000109_20261118_all.csv");
        rows.Should().HaveCount(29).And.AllBeOfType<SettlementRow>();
        context.PeriodStart.Should().Be(new DateOnly(2026, 11, 18));
    }

    [Theory]
    [InlineData("notes.txt", "Dear finance team,\nthe bills are late today.\n")]
    [InlineData("export.csv", "id,name,price\n1,card,6.00\n")]
    public void Detect_RefusesNamingTheFileAndTheFormatsTried_WhenNoReaderOfOursKnowsTheFile(string name, string content)
    {
        var path = Path.Combine(_temp, name);
        File.WriteAllText(path, content);

        var detect = () => _detector.Detect(path);

        detect.Should().Throw<UnrecognisedFormatException>()
            .WithMessage($"{path}: format not recognised from its content; tried orders, wechat-bill, alipay-trade, alipay-ledger, stripe-payout, stripe-balance, adyen-settlement, unionpay-zm, vendor-csv, fulu-jsonl.*");
    }

    [Fact]
    public void Detect_PicksAMappedVendor_AfterTheBuiltInReaders()
    {
        var options = new FormatOptions();
        options.VendorMappings.Add(new CsvVendorMapping
        {
            Format = "vendor-acme",
            Vendor = "acme",
            VendorOrderIdColumn = "id",
            OrderNoColumn = "ref",
            TargetAccountColumn = "account",
            StatusColumn = "state",
        });
        var detector = new FormatDetector(BuiltInReaders.Create(options));
        var path = Path.Combine(_temp, "acme.csv");
        File.WriteAllText(path, "id,ref,account,state\nA1,KM1,1,success\n");

        detector.Readers.Select(r => r.Format).Should().Equal(
            "orders", "wechat-bill", "alipay-trade", "alipay-ledger", "stripe-payout", "stripe-balance", "adyen-settlement",
            "unionpay-zm", "vendor-csv", "fulu-jsonl", "vendor-acme");
        detector.Detect(path).Entries.Single().Reader.Format.Should().Be("vendor-acme");
    }
}
