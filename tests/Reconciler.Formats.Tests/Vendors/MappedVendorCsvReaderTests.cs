using Reconciler.Core.Evidence;
using Reconciler.Formats.Tests.Support;
using Reconciler.Formats.Vendors;

namespace Reconciler.Formats.Tests.Vendors;

public class MappedVendorCsvReaderTests
{
    private static CsvVendorMapping GbkMapping() => new()
    {
        Format = "vendor-acme",
        Vendor = "acme",
        Encoding = "gbk",
        Delimiter = ";",
        VendorOrderIdColumn = "流水号",
        OrderNoColumn = "商户订单号",
        TargetAccountColumn = "充值账号",
        SkuColumn = "商品编码",
        QuantityColumn = "数量",
        CostColumn = "成本",
        StatusColumn = "状态",
        FinishedAtColumn = "完成时间",
        FinishedAtFormat = "yyyy/MM/dd HH:mm:ss",
        SuccessValues = ["成功"],
        FailedValues = ["失败"],
        ProcessingValues = ["处理中"],
    };

    private static byte[] GbkFile() => TextEncodings.Gbk.GetBytes(
        "流水号;商户订单号;充值账号;商品编码;数量;成本;状态;完成时间;备注\r\n" +
        "A1;KM1;13800000000;CMCC-50;1;48.31;成功;2026/11/18 00:19:11;\r\n" +
        "A2;KM2;13800000001;CMCC-50;1;48.31;处理中;;\r\n" +
        "A3;KM3;13800000002;CMCC-50;1;48.31;退回;2026/11/18 01:00:00;\r\n");

    [Fact]
    public void Read_ReadsGbkWithTheConfiguredColumnsStatusesAndZone_WhenAMappingDescribesTheFile()
    {
        var reader = new MappedVendorCsvReader(GbkMapping());

        var rows = TestFiles.ReadBytes(reader, GbkFile(), "acme.csv");

        rows.Should().HaveCount(3);
        rows[0].Should().BeOfType<DeliveryRow>().Which.Delivery.Should().Be(new DeliveryRecord(
            "acme", "A1", "KM1", "13800000000", "CMCC-50", 1, null, 48.31m, DeliveryStatus.Success,
            new DateTimeOffset(2026, 11, 17, 16, 19, 11, TimeSpan.Zero)));
        rows[1].Should().BeOfType<DeliveryRow>().Which.Delivery.Status.Should().Be(DeliveryStatus.Processing);
        var bad = rows[2].Should().BeOfType<QuarantinedRow>().Subject;
        bad.LineNumber.Should().Be(4);
        bad.RawText.Should().StartWith("A3;KM3");
        bad.Reason.Should().Be("acme.csv line 4, field 状态: '退回' is not one of 成功, 失败, 处理中");
    }

    [Fact]
    public void Recognises_IsTrue_WhenTheHeaderHoldsEveryConfiguredColumn()
    {
        var reader = new MappedVendorCsvReader(GbkMapping());

        reader.Recognises(new FileSample("acme.csv", GbkFile())).Should().BeTrue();
        reader.Recognises(TestFiles.Sample($"{TestFiles.ExampleDay}/vendors/carrier_delivery_20261118.csv")).Should().BeFalse();
    }

    [Fact]
    public void Read_RejectsTheFile_WhenAConfiguredColumnIsMissing()
    {
        var reader = new MappedVendorCsvReader(GbkMapping());
        var bytes = TextEncodings.Gbk.GetBytes("流水号;商户订单号;充值账号;状态\r\nA1;KM1;1;成功\r\n");

        var read = () => TestFiles.ReadBytes(reader, bytes, "acme.csv");

        read.Should().Throw<FileRejectedException>().WithMessage("acme.csv: the header row lacks the column(s) 商品编码, 数量, 成本, 完成时间;*");
    }

    [Fact]
    public void Constructor_Throws_WhenTheMappingNamesAnUnsupportedEncoding()
    {
        var mapping = GbkMapping();
        mapping.Encoding = "latin-9";

        var create = () => new MappedVendorCsvReader(mapping);

        create.Should().Throw<ArgumentException>().WithMessage("Vendor mapping vendor-acme: encoding 'latin-9' is not supported*");
    }
}
