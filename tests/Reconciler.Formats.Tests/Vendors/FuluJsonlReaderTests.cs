using Reconciler.Core.Evidence;
using Reconciler.Formats.Tests.Support;
using Reconciler.Formats.Vendors;

namespace Reconciler.Formats.Tests.Vendors;

public class FuluJsonlReaderTests
{
    private readonly FuluJsonlReader _reader = new();

    [Fact]
    public void Read_ImportsEveryLine_WhenNumbersArriveAsStrings()
    {
        var rows = TestFiles.ReadFixture(_reader, $"{TestFiles.ExampleDay}/vendors/fulu_orders_20261118.jsonl");

        rows.Should().HaveCount(35).And.AllBeOfType<DeliveryRow>();
        var first = (DeliveryRow)rows[0];
        first.LineNumber.Should().Be(1);
        first.Delivery.Should().Be(new DeliveryRecord(
            "fulu", "22261118000000000000", "KM202611180000019", "8353697892", "WZRY-60", 1, null, 5.7600m,
            DeliveryStatus.Success, new DateTimeOffset(2026, 11, 17, 16, 4, 2, TimeSpan.Zero), "fl086035417009779977478009"));
        rows.OfType<DeliveryRow>().Count(r => r.Delivery.Status == DeliveryStatus.Failed).Should().Be(4);
    }

    [Fact]
    public void Read_AcceptsJsonNumbers_WhenNumbersArriveUnquoted()
    {
        const string line = """{"order_id": 22261118000000000099, "customer_order_no": "KM1", "charge_account": 13800000000, "product_id": "WZRY-60", "buy_num": 2, "order_price": 5.76, "order_status": "success", "charge_finish_time": "2026-11-18 00:19:11", "operator_serial_number": "fl1"}""";

        var rows = TestFiles.ReadText(_reader, line, "fulu.jsonl");

        var delivery = rows.Single().Should().BeOfType<DeliveryRow>().Subject.Delivery;
        delivery.VendorOrderId.Should().Be("22261118000000000099");
        delivery.TargetAccount.Should().Be("13800000000");
        delivery.Quantity.Should().Be(2);
        delivery.Cost.Should().Be(5.76m);
        delivery.FinishedAt.Should().Be(new DateTimeOffset(2026, 11, 17, 16, 19, 11, TimeSpan.Zero));
    }

    [Theory]
    [InlineData("untreated")]
    [InlineData("processing")]
    public void Read_MapsToProcessingWithoutFinishTime_WhenTheOrderIsUnfinished(string status)
    {
        var line = $$"""{"order_id": "9", "customer_order_no": "KM1", "charge_account": "1", "product_id": "P", "buy_num": "1", "order_price": "1.00", "order_status": "{{status}}", "charge_finish_time": "", "operator_serial_number": ""}""";

        var rows = TestFiles.ReadText(_reader, line, "fulu.jsonl");

        var delivery = rows.Single().Should().BeOfType<DeliveryRow>().Subject.Delivery;
        delivery.Status.Should().Be(DeliveryStatus.Processing);
        delivery.FinishedAt.Should().BeNull();
    }

    [Fact]
    public void Read_SkipsBlankLinesAndQuarantinesBrokenOnes_KeepingPhysicalLineNumbers()
    {
        const string good = """{"order_id": "9", "customer_order_no": "KM1", "charge_account": "1", "product_id": "P", "buy_num": "1", "order_price": "1.00", "order_status": "success", "charge_finish_time": "2026-11-18 10:00:00"}""";
        var text = $"{good}\r\n\r\n{{\"order_id\": \"10\", \"customer_order_no\r\n{good.Replace("\"buy_num\": \"1\"", "\"buy_num\": \"one\"", StringComparison.Ordinal)}\n";

        var rows = TestFiles.ReadText(_reader, text, "fulu.jsonl");

        rows.Select(r => r.LineNumber).Should().Equal(1, 3, 4);
        rows[1].Should().BeOfType<QuarantinedRow>().Which.Reason.Should().StartWith("fulu.jsonl line 3: not valid JSON");
        rows[2].Should().BeOfType<QuarantinedRow>().Which.Reason.Should().Be("fulu.jsonl line 4, field buy_num: 'one' is not a whole number");
    }

    [Fact]
    public void Recognises_IsTrue_ForAFuluLineOnly()
    {
        _reader.Recognises(TestFiles.Sample($"{TestFiles.ExampleDay}/vendors/fulu_orders_20261118.jsonl")).Should().BeTrue();
        _reader.Recognises(TestFiles.Sample("x.jsonl", "{\"id\": 1}\n")).Should().BeFalse();
        _reader.Recognises(TestFiles.Sample("x.jsonl", "{not json\n")).Should().BeFalse();
    }
}
