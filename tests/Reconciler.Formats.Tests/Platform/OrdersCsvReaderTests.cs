using System.Text;
using Reconciler.Formats.Platform;
using Reconciler.Formats.Tests.Support;

namespace Reconciler.Formats.Tests.Platform;

public class OrdersCsvReaderTests
{
    private const string Header =
        "order_no,created_at,paid_at,customer_id,merchant_id,product_type,sku,target_account,quantity,unit_price,amount,currency,pay_channel,status";

    private readonly OrdersCsvReader _reader = new();

    [Fact]
    public void Read_ImportsEveryOrder_WhenGivenTheExampleExport()
    {
        var rows = TestFiles.ReadFixture(_reader, $"{TestFiles.ExampleDay}/platform/orders_20261118.csv");

        rows.Should().HaveCount(60).And.AllBeOfType<OrderRow>();
        var first = ((OrderRow)rows[0]).Order;
        rows[0].LineNumber.Should().Be(2);
        first.OrderNo.Should().Be("KM202611180000001");
        first.CreatedAt.Should().Be(new DateTimeOffset(2026, 11, 18, 10, 52, 21, TimeSpan.Zero));
        first.CreatedAt.Offset.Should().Be(TimeSpan.Zero);
        first.Amount.Should().Be(6.00m);
        first.PayChannel.Should().Be("alipay");
        first.Status.Should().Be("delivered");
    }

    [Fact]
    public void Read_ConvertsTimesToUtc_WhenTheyCarryTheBeijingOffset()
    {
        var rows = TestFiles.ReadFixture(_reader, $"{TestFiles.ExampleDay}/platform/orders_20261118.csv");

        var order = rows.OfType<OrderRow>().Single(r => r.Order.OrderNo == "KM202611180000013").Order;
        order.PaidAt.Should().Be(DateTimeOffset.Parse("2026-11-17T16:19:11Z", System.Globalization.CultureInfo.InvariantCulture));
        order.Status.Should().Be("failed");
    }

    [Fact]
    public void Read_LeavesPaidAtNull_WhenTheCallbackWasLost()
    {
        var rows = TestFiles.ReadFixture(_reader, $"{TestFiles.ExampleDay}/platform/orders_20261118.csv");

        var order = rows.OfType<OrderRow>().Single(r => r.Order.OrderNo == "KM202611180000011").Order;
        order.PaidAt.Should().BeNull();
        order.Status.Should().Be("cancelled");
    }

    [Fact]
    public void Read_QuarantinesTheRowAndGoesOn_WhenAnAmountIsNotANumber()
    {
        var text = Header + "\n" +
            "KM1,2026-11-18T10:00:00+08:00,,C1,,game_card,WZRY-60,123,1,6.00,6.OO,CNY,wechat,paid\n" +
            "KM2,2026-11-18T10:00:00+08:00,,C1,,game_card,WZRY-60,123,1,6.00,6.00,CNY,wechat,paid\n";

        var rows = TestFiles.ReadText(_reader, text, "orders.csv");

        rows.Should().HaveCount(2);
        var bad = rows[0].Should().BeOfType<QuarantinedRow>().Subject;
        bad.LineNumber.Should().Be(2);
        bad.RawText.Should().StartWith("KM1,").And.EndWith(",paid");
        bad.Reason.Should().Be("orders.csv line 2, field amount: '6.OO' is not a decimal number");
        rows[1].Should().BeOfType<OrderRow>().Which.Order.OrderNo.Should().Be("KM2");
    }

    [Theory]
    [InlineData("2026-11-18T10:00:00", "created_at", "has no UTC offset")]
    [InlineData("yesterday", "created_at", "is not an ISO 8601 time with offset")]
    public void Read_QuarantinesTheRow_WhenATimeHasNoOffset(string createdAt, string field, string problem)
    {
        var text = $"{Header}\nKM1,{createdAt},,C1,,game_card,WZRY-60,123,1,6.00,6.00,CNY,wechat,paid\n";

        var rows = TestFiles.ReadText(_reader, text, "orders.csv");

        rows.Single().Should().BeOfType<QuarantinedRow>().Which.Reason.Should().Contain($"field {field}: '{createdAt}' {problem}");
    }

    [Theory]
    [InlineData("0", "quantity", "0 is not greater than 0")]
    [InlineData("two", "quantity", "'two' is not a whole number")]
    public void Read_QuarantinesTheRow_WhenQuantityIsNotAPositiveWholeNumber(string quantity, string field, string problem)
    {
        var text = $"{Header}\nKM1,2026-11-18T10:00:00+08:00,,C1,,game_card,WZRY-60,123,{quantity},6.00,6.00,CNY,wechat,paid\n";

        var rows = TestFiles.ReadText(_reader, text, "orders.csv");

        rows.Single().Should().BeOfType<QuarantinedRow>().Which.Reason.Should().Be($"orders.csv line 2, field {field}: {problem}");
    }

    [Fact]
    public void Read_QuarantinesTheRow_WhenTheStatusIsUnknown()
    {
        var text = $"{Header}\nKM1,2026-11-18T10:00:00+08:00,,C1,,game_card,WZRY-60,123,1,6.00,6.00,CNY,wechat,shipped\n";

        var rows = TestFiles.ReadText(_reader, text, "orders.csv");

        rows.Single().Should().BeOfType<QuarantinedRow>().Which.Reason.Should().Contain("field status: 'shipped' is not one of created, paid");
    }

    [Fact]
    public void Read_RejectsTheFileNamingTheMissingColumns_WhenTheHeaderLacksRequiredColumns()
    {
        var text = "order_no,created_at,paid_at,customer_id,merchant_id,product_type,sku,target_account,quantity,unit_price,amount,currency,status\n" +
            "KM1,2026-11-18T10:00:00+08:00,,C1,,game_card,WZRY-60,123,1,6.00,6.00,CNY,paid\n";

        var read = () => TestFiles.ReadText(_reader, text, "orders_20261118.csv");

        read.Should().Throw<FileRejectedException>()
            .Where(e => e.Kind == RejectionKind.Unreadable)
            .WithMessage("orders_20261118.csv: the header row lacks the column(s) pay_channel;*");
    }

    [Fact]
    public void Read_FindsColumnsByName_WhenTheyAreReorderedWithExtrasBomAndCrlf()
    {
        var text = "\uFEFFstatus,pay_channel,amount,note,order_no,created_at,paid_at,customer_id,merchant_id,product_type,sku,target_account,quantity,unit_price,currency\r\n" +
            "PAID,WxPay,25.00,\"a note, with a comma\",KM9,2026-11-18T12:00:00+08:00,2026-11-18T04:00:30Z,C9,M1,membership,IQY-VIP-M,876284202,5,5.00,cny\r\n";
        var options = new FormatOptions();
        options.ChannelAliases["wxpay"] = "wechat";

        var rows = TestFiles.ReadBytes(_reader, Encoding.UTF8.GetBytes(text), "orders.csv", TestFiles.Context("orders.csv", options));

        var order = rows.Single().Should().BeOfType<OrderRow>().Subject.Order;
        order.Status.Should().Be("paid");
        order.PayChannel.Should().Be("wechat");
        order.Quantity.Should().Be(5);
        order.Currency.Should().Be("CNY");
        order.MerchantId.Should().Be("M1");
        order.PaidAt.Should().Be(new DateTimeOffset(2026, 11, 18, 4, 0, 30, TimeSpan.Zero));
    }

    [Fact]
    public void Read_ReportsTheStartingLine_WhenAQuotedFieldSpansLines()
    {
        var text = $"{Header}\n" +
            "KM1,2026-11-18T10:00:00+08:00,,C1,,game_card,\"WZRY\n60\",123,1,6.00,6.00,CNY,wechat,paid\n" +
            "KM2,2026-11-18T10:00:00+08:00,,C1,,game_card,WZRY-60,123,1,6.00,x,CNY,wechat,paid\n";

        var rows = TestFiles.ReadText(_reader, text, "orders.csv");

        rows[0].Should().BeOfType<OrderRow>().Which.Order.Sku.Should().Be("WZRY\n60");
        rows[0].LineNumber.Should().Be(2);
        rows[1].LineNumber.Should().Be(4);
    }

    [Fact]
    public void Recognises_IsTrue_ForTheExampleHeaderOnly()
    {
        _reader.Recognises(TestFiles.Sample($"{TestFiles.ExampleDay}/platform/orders_20261118.csv")).Should().BeTrue();
        _reader.Recognises(TestFiles.Sample($"{TestFiles.ExampleDay}/vendors/carrier_delivery_20261118.csv")).Should().BeFalse();
        _reader.Recognises(TestFiles.Sample("x.csv", "order_no,amount\n")).Should().BeFalse();
    }
}
