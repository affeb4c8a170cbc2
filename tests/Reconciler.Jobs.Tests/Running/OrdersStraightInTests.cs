namespace Reconciler.Jobs.Tests.Running;

/// <summary>
/// The first orders export of a date is copied straight into platform_order; an export that repeats an order (or
/// names one already stored) falls back to the staged merge, so the speed-up never changes what is stored.
/// </summary>
public sealed class OrdersStraightInTests : IAsyncLifetime
{
    private const string Header =
        "order_no,created_at,paid_at,customer_id,merchant_id,product_type,sku,target_account,quantity,unit_price,amount,currency,pay_channel,status";

    private RunHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await RunHarness.CreateAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task RunAsync_StoresEveryOrderOnce_WhenTheFirstExportOfTheDateIsCopiedStraightIn()
    {
        var inbox = WriteOrders("a.csv", Order(1, "delivered"), Order(2, "delivered"));

        await _harness.RunAsync("2026-11-20", inbox);

        var rows = await _harness.Database.QueryAsync<(string OrderNo, string Status, long LineNo)>(
            "SELECT order_no, status, line_no FROM platform_order ORDER BY order_no");
        rows.Should().Equal(("KM202611209000001", "delivered", 2L), ("KM202611209000002", "delivered", 3L));
    }

    [Fact]
    public async Task RunAsync_KeepsTheLastLine_WhenTheFirstExportOfTheDateNamesAnOrderTwice()
    {
        var inbox = WriteOrders("a.csv", Order(1, "paid"), Order(2, "delivered"), Order(1, "delivered"));

        var result = await _harness.RunAsync("2026-11-20", inbox);

        result.Report.Files.Should().ContainSingle().Which.Status.Should().Be("imported");
        var rows = await _harness.Database.QueryAsync<(string OrderNo, string Status, long LineNo)>(
            "SELECT order_no, status, line_no FROM platform_order ORDER BY order_no");
        rows.Should().Equal(("KM202611209000001", "delivered", 4L), ("KM202611209000002", "delivered", 3L));
        (await _harness.Database.ScalarAsync<long>("SELECT count(*) FROM imported_file")).Should().Be(1);
    }

    [Fact]
    public async Task RunAsync_MergesTheExport_WhenItNamesAnOrderStoredOnAnotherDate()
    {
        // An order created on 11-19 and exported again with 11-20's orders: 11-20 has no orders yet, so the export is
        // tried straight in, meets the stored order, and is merged instead.
        await _harness.RunAsync("2026-11-19", WriteOrders("a.csv", Order(1, "paid", day: 19)));
        var inbox = WriteOrders("b.csv", Order(1, "delivered", day: 19), Order(2, "delivered"));

        var result = await _harness.RunAsync("2026-11-20", inbox);

        result.Report.Files.Should().ContainSingle().Which.Status.Should().Be("imported");
        var rows = await _harness.Database.QueryAsync<(string OrderNo, string Status)>(
            "SELECT order_no, status FROM platform_order ORDER BY order_no");
        rows.Should().Equal(("KM202611209000001", "delivered"), ("KM202611209000002", "delivered"));
    }

    private static string Order(int n, string status, int day = 20) =>
        $"KM20261120900000{n},2026-11-{day}T09:0{n}:00+08:00,2026-11-{day}T09:0{n}:30+08:00,C100000{n},,game_card,WZRY-60,69166857{n},1,6.00,6.00,CNY,wechat,{status}";

    private string WriteOrders(string name, params string[] rows)
    {
        var inbox = Path.Combine(_harness.Scratch, "inbox-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(inbox, "platform"));
        File.WriteAllText(Path.Combine(inbox, "platform", name), string.Join("\r\n", [Header, .. rows]) + "\r\n");
        return inbox;
    }
}
