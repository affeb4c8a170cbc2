using Reconciler.Core.Evidence;
using Reconciler.Formats.Tests.Support;
using Reconciler.Formats.Vendors;

namespace Reconciler.Formats.Tests.Vendors;

public class VendorCsvReaderTests
{
    private const string Header = "vendor,vendor_order_id,order_no,target_account,sku,quantity,face_value,cost,status,voucher,finished_at";

    private readonly VendorCsvReader _reader = new();

    [Fact]
    public void Read_QuarantinesTheMangledLineAndImportsTheRest_WhenGivenTheExampleCarrierLog()
    {
        var rows = TestFiles.ReadFixture(_reader, $"{TestFiles.ExampleDay}/vendors/carrier_delivery_20261118.csv");

        rows.Should().HaveCount(27);
        var bad = rows.OfType<QuarantinedRow>().Should().ContainSingle().Subject;
        bad.LineNumber.Should().Be(10);
        bad.RawText.Should().Be("cmcc-agent,V26111800000007X,KM202611180000020,18500772154,CMCC-50,two");
        bad.Reason.Should().Be("carrier_delivery_20261118.csv line 10: expected 11 fields, found 6");
        rows.OfType<DeliveryRow>().Should().HaveCount(26);
        rows.OfType<DeliveryRow>().Select(r => r.LineNumber).Should().NotContain(10);
    }

    [Fact]
    public void Read_MapsEveryField_WhenALineIsWellFormed()
    {
        var rows = TestFiles.ReadFixture(_reader, $"{TestFiles.ExampleDay}/vendors/carrier_delivery_20261118.csv");

        var failed = rows.OfType<DeliveryRow>().Single(r => r.Delivery.VendorOrderId == "V26111800000009");
        failed.LineNumber.Should().Be(12);
        failed.Delivery.Should().Be(new DeliveryRecord(
            "cmcc-agent", "V26111800000009", "KM202611180000060", "2824427528", "IQY-VIP-M", 1, 25.00m, 24.25m,
            DeliveryStatus.Failed, new DateTimeOffset(2026, 11, 18, 1, 27, 5, TimeSpan.Zero)));
    }

    [Fact]
    public void Read_AcceptsAnEmptyFinishTimeAndAnyCase_WhenTheAttemptIsProcessing()
    {
        var text = $"{Header}\nacme,A1,KM1,123,WZRY-60,1,6.00,5.80,PROCESSING,,\n";

        var rows = TestFiles.ReadText(_reader, text, "acme.csv");

        var delivery = rows.Single().Should().BeOfType<DeliveryRow>().Subject.Delivery;
        delivery.Status.Should().Be(DeliveryStatus.Processing);
        delivery.FinishedAt.Should().BeNull();
    }

    [Theory]
    [InlineData("acme,A1,KM1,123,WZRY-60,two,6.00,5.80,success,v,2026-11-18T10:00:00+08:00", "field quantity: 'two' is not a whole number")]
    [InlineData("acme,A1,KM1,123,WZRY-60,1,6.00,5.80,done,v,2026-11-18T10:00:00+08:00", "field status: 'done' is not one of success, failed, processing")]
    [InlineData("acme,A1,KM1,123,WZRY-60,1,6.00,5.80,success,v,2026-11-18 10:00:00", "field finished_at: '2026-11-18 10:00:00' has no UTC offset")]
    [InlineData("acme,A1,KM1,123,WZRY-60,1,6.00,5.80,success,v\"x,2026-11-18T10:00:00+08:00", "a quote inside an unquoted field")]
    public void Read_QuarantinesTheLineNamingTheField_WhenAValueIsWrong(string line, string problem)
    {
        var rows = TestFiles.ReadText(_reader, $"{Header}\r\n{line}\r\n", "acme.csv");

        var bad = rows.Single().Should().BeOfType<QuarantinedRow>().Subject;
        bad.Reason.Should().StartWith("acme.csv line 2").And.Contain(problem);
        bad.RawText.Should().Be(line);
    }

    [Fact]
    public void Recognises_IsTrue_OnlyForTheVendorCsvHeader()
    {
        _reader.Recognises(TestFiles.Sample($"{TestFiles.ExampleDay}/vendors/carrier_delivery_20261118.csv")).Should().BeTrue();
        _reader.Recognises(TestFiles.Sample($"{TestFiles.ExampleDay}/platform/orders_20261118.csv")).Should().BeFalse();
    }
}
