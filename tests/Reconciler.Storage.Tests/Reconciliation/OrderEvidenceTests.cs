using Reconciler.Core.Evidence;
using Reconciler.Core.Matching;
using Reconciler.Storage.Reconciliation;
using Reconciler.Storage.Tests.Support;
using static Reconciler.Storage.Tests.Support.Evidence;

namespace Reconciler.Storage.Tests.Reconciliation;

public sealed class OrderEvidenceTests : DatabaseTest
{
    private const string OrderNo = "KM202611180000013";
    private const string WxTxn = "4200002345202611181234567890";

    private long _runId;

    private async Task<long> RunAsync() => _runId = _runId != 0 ? _runId : await CreateRunAsync();

    private async Task GivenOrderAsync(OrderRecord? order = null) =>
        await ImportOrdersAsync(await RunAsync(), "orders_20261118.csv", order ?? Order(OrderNo, Beijing(11, 18, 9, 30), 648.00m));

    private async Task GivenSettlementAsync(string sourceName, params SettlementRecord[] lines) =>
        await ImportSettlementAsync(await RunAsync(), sourceName, lines[0].Provider, lines);

    private async Task GivenDeliveriesAsync(string sourceName, params DeliveryRecord[] deliveries) =>
        await ImportDeliveriesAsync(await RunAsync(), sourceName, deliveries);

    private async Task<Dictionary<string, OrderEvidence>> ReadAsync(params string[] providersMissingSettlement)
    {
        var store = new ReconciliationStore(Database.DataSource);
        var evidence = new Dictionary<string, OrderEvidence>(StringComparer.Ordinal);
        await foreach (var order in store.ReadOrderEvidenceAsync(WindowFor(Day), providersMissingSettlement.ToHashSet(StringComparer.Ordinal), Ct))
        {
            evidence.Add(order.OrderNo, order);
        }

        return evidence;
    }

    private async Task<OrderEvidence> ReadOneAsync(params string[] providersMissingSettlement) =>
        (await ReadAsync(providersMissingSettlement)).Should().ContainKey(OrderNo).WhoseValue;

    [Fact]
    public async Task ReadOrderEvidenceAsync_CountsPaymentOnce_WhenSameLineIsInTwoFiles()
    {
        await GivenOrderAsync();
        var payment = Payment("wechat", WxTxn, OrderNo, 648.00m, Beijing(11, 18, 9, 30, 12));
        await GivenSettlementAsync("wechat_bill_ALL_20261118.csv", payment);
        await GivenSettlementAsync("1900000109_20261118_success.csv", payment);

        var order = await ReadOneAsync();

        order.PaymentCount.Should().Be(1);
        order.PaymentGross.Should().Be(648.00m);
        order.ProviderTxnId.Should().Be(WxTxn);
    }

    [Fact]
    public async Task ReadOrderEvidenceAsync_CountsBothPayments_WhenTwoDistinctPaymentsNameTheOrder()
    {
        await GivenOrderAsync();
        await GivenSettlementAsync("wechat_bill_ALL_20261118.csv",
            Payment("wechat", "4200002345202611181234567899", OrderNo, 648.00m, Beijing(11, 18, 9, 31)),
            Payment("wechat", WxTxn, OrderNo, 648.00m, Beijing(11, 18, 9, 30, 12)));

        var order = await ReadOneAsync();

        order.PaymentCount.Should().Be(2);
        order.PaymentGross.Should().Be(1296.00m);
        order.ProviderTxnId.Should().Be("4200002345202611181234567890,4200002345202611181234567899");
        order.FirstPaymentAt.Should().Be(Beijing(11, 18, 9, 30, 12));
        order.Provider.Should().Be("wechat");
    }

    [Fact]
    public async Task ReadOrderEvidenceAsync_SumsRefundsAndChargebacksLessReversals_WhenProviderTookMoneyBack()
    {
        await GivenOrderAsync(Order(OrderNo, Beijing(11, 18, 9, 30), 648.00m, payChannel: "adyen", currency: "CNY"));
        await GivenSettlementAsync("settlement_detail_report_batch_412.csv",
            Payment("adyen", "8816300178934562", OrderNo, 648.00m, Beijing(11, 18, 9, 30, 12)),
            Line("adyen", SettlementEntryType.Refund, "8816300178934562", "8816300199990001", OrderNo, 100.00m, Beijing(11, 18, 12, 0)),
            Line("adyen", SettlementEntryType.Refund, "8816300178934562", "8816300199990002", OrderNo, 48.00m, Beijing(11, 18, 13, 0)),
            Line("adyen", SettlementEntryType.Chargeback, "8816300178934562", "8816300199990003", OrderNo, 500.00m, Beijing(11, 18, 14, 0)),
            Line("adyen", SettlementEntryType.ChargebackReversal, "8816300178934562", "8816300199990004", OrderNo, 200.00m, Beijing(11, 18, 15, 0)));

        var order = await ReadOneAsync();

        order.RefundTotal.Should().Be(148.00m);
        order.ChargebackTotal.Should().Be(300.00m);
        order.NetCharged.Should().Be(200.00m);
        order.PaymentCount.Should().Be(1);
    }

    [Fact]
    public async Task ReadOrderEvidenceAsync_AttributesRefundToPaymentsOrder_WhenRefundNamesOnlyThePaymentTxn()
    {
        await GivenOrderAsync(Order(OrderNo, Beijing(11, 18, 9, 30), 648.00m, payChannel: "unionpay"));
        await GivenSettlementAsync("INN26111888ZM_777290058110097",
            Payment("unionpay", "202611180930120012345", OrderNo, 648.00m, Beijing(11, 18, 9, 30, 12)),
            Line("unionpay", SettlementEntryType.Refund, "202611180930120012345", "202611181500000054321", "RF202611180000007", 648.00m, Beijing(11, 18, 15, 0)));

        var order = await ReadOneAsync();

        order.RefundTotal.Should().Be(648.00m);
        order.NetCharged.Should().Be(0m);
    }

    [Fact]
    public async Task ReadOrderEvidenceAsync_CountsRefundOnce_WhenRefundIsInTwoFilesAndPaymentInTwoFiles()
    {
        await GivenOrderAsync(Order(OrderNo, Beijing(11, 18, 9, 30), 648.00m, payChannel: "unionpay"));
        var payment = Payment("unionpay", "202611180930120012345", OrderNo, 648.00m, Beijing(11, 18, 9, 30, 12));
        var refund = Line("unionpay", SettlementEntryType.Refund, "202611180930120012345", "202611181500000054321", "RF202611180000007", 48.00m, Beijing(11, 18, 15, 0));
        await GivenSettlementAsync("INN26111888ZM_777290058110097", payment, refund);
        await GivenSettlementAsync("INN26111888ZM_777290058110097 (re-download)", payment, refund);

        var order = await ReadOneAsync();

        order.PaymentCount.Should().Be(1);
        order.RefundTotal.Should().Be(48.00m);
    }

    [Fact]
    public async Task ReadOrderEvidenceAsync_SeparatesDeliveredFromWrongAccount_WhenTargetsDifferAfterTrimming()
    {
        await GivenOrderAsync(Order(OrderNo, Beijing(11, 18, 9, 30), 300.00m, targetAccount: "13800138000", quantity: 3));
        await GivenDeliveriesAsync("carrier_delivery_20261118.csv",
            Delivery("cmcc", "V9001", OrderNo, DeliveryStatus.Success, targetAccount: " 13800138000\t"),
            Delivery("cmcc", "V9002", OrderNo, DeliveryStatus.Success, targetAccount: "\t13800138000  "),
            Delivery("cmcc", "V9003", OrderNo, DeliveryStatus.Success, targetAccount: "13800138001"),
            Delivery("cmcc", "V9004", OrderNo, DeliveryStatus.Failed, targetAccount: "13800138000"));

        var order = await ReadOneAsync();

        order.DeliveredQuantity.Should().Be(2);
        order.WrongAccountQuantity.Should().Be(1);
        order.Vendor.Should().Be("cmcc");
    }

    [Fact]
    public async Task ReadOrderEvidenceAsync_CountsDeliveryOnce_WhenSameEventIsInTwoFiles()
    {
        await GivenOrderAsync();
        var delivered = Delivery("fulu", "FL20261118093500001", OrderNo, DeliveryStatus.Success, finishedAt: Beijing(11, 18, 9, 35));
        await GivenDeliveriesAsync("fulu_orders_20261118.jsonl", delivered);
        await GivenDeliveriesAsync("fulu_orders_20261118_full.jsonl", delivered);

        var order = await ReadOneAsync();

        order.DeliveredQuantity.Should().Be(1);
    }

    [Fact]
    public async Task ReadOrderEvidenceAsync_CountsEveryPartOfABatch_WhenPartsAreAlikeInOneFile()
    {
        await GivenOrderAsync(Order(OrderNo, Beijing(11, 18, 9, 30), 400.00m, quantity: 2));
        var part = Delivery("cmcc", "V26111800000007", OrderNo, DeliveryStatus.Success, finishedAt: Beijing(11, 18, 9, 35));
        await GivenDeliveriesAsync("carrier_delivery_20261118.csv", part, part);
        await GivenDeliveriesAsync("carrier_delivery_20261118 (1).csv", part, part);

        var order = await ReadOneAsync();

        order.DeliveredQuantity.Should().Be(2, "two alike rows of one file are two parts; the second file repeats them");
    }

    [Fact]
    public async Task ReadOrderEvidenceAsync_TellsBatchPartsApartByVoucher_WhenTheyCameInDifferentFiles()
    {
        await GivenOrderAsync(Order(OrderNo, Beijing(11, 18, 9, 30), 400.00m, quantity: 2));
        var part = Delivery("cmcc", "V26111800000007", OrderNo, DeliveryStatus.Success, finishedAt: Beijing(11, 18, 9, 35));
        await GivenDeliveriesAsync("carrier_delivery_20261118_am.csv", part with { Voucher = "JDE200-0001" });
        await GivenDeliveriesAsync("carrier_delivery_20261118_pm.csv", part with { Voucher = "JDE200-0002" }, part with { Voucher = "JDE200-0001" });

        (await ReadOneAsync()).DeliveredQuantity.Should().Be(2);
    }

    [Fact]
    public async Task ReadOrderEvidenceAsync_IsNotInFlight_WhenProcessingIsFollowedBySuccess()
    {
        await GivenOrderAsync();
        await GivenDeliveriesAsync("fulu_orders_20261118.jsonl",
            Delivery("fulu", "FL20261118093500001", OrderNo, DeliveryStatus.Processing),
            Delivery("fulu", "FL20261118093500001", OrderNo, DeliveryStatus.Success, finishedAt: Beijing(11, 18, 9, 35)));

        (await ReadOneAsync()).InFlight.Should().BeFalse();
    }

    [Fact]
    public async Task ReadOrderEvidenceAsync_IsInFlight_WhenOnlyProcessingWasSeen()
    {
        await GivenOrderAsync();
        await GivenDeliveriesAsync("fulu_orders_20261118.jsonl",
            Delivery("fulu", "FL20261118093500001", OrderNo, DeliveryStatus.Processing));

        var order = await ReadOneAsync();

        order.InFlight.Should().BeTrue();
        order.DeliveredQuantity.Should().Be(0);
    }

    [Fact]
    public async Task ReadOrderEvidenceAsync_IsInFlight_WhenOneVendorOrderIsProcessingAndAnotherFailed()
    {
        await GivenOrderAsync();
        await GivenDeliveriesAsync("fulu_orders_20261118.jsonl",
            Delivery("fulu", "FL20261118093500001", OrderNo, DeliveryStatus.Failed, finishedAt: Beijing(11, 18, 9, 35)),
            Delivery("fulu", "FL20261118094000002", OrderNo, DeliveryStatus.Processing));

        (await ReadOneAsync()).InFlight.Should().BeTrue();
    }

    [Fact]
    public async Task ReadOrderEvidenceAsync_JoinsProvidersAndVendorsSorted_WhenSeveralTookPart()
    {
        await GivenOrderAsync();
        await GivenSettlementAsync("wechat_bill_ALL_20261118.csv", Payment("wechat", WxTxn, OrderNo, 648.00m, Beijing(11, 18, 9, 40)));
        await GivenSettlementAsync("20881234567890120156_20261118.csv",
            Payment("alipay", "2026111822001412345678901234", OrderNo, 648.00m, Beijing(11, 18, 9, 30, 12)));
        await GivenDeliveriesAsync("vendors_20261118.csv",
            Delivery("fulu", "FL20261118093500001", OrderNo, DeliveryStatus.Failed),
            Delivery("cmcc", "V9001", OrderNo, DeliveryStatus.Success));

        var order = await ReadOneAsync();

        order.Provider.Should().Be("alipay,wechat");
        order.ProviderTxnId.Should().Be("2026111822001412345678901234," + WxTxn);
        order.Vendor.Should().Be("cmcc,fulu");
        order.FirstPaymentAt.Should().Be(Beijing(11, 18, 9, 30, 12));
    }

    [Fact]
    public async Task ReadOrderEvidenceAsync_ReturnsNoPaymentFields_WhenNothingSettledOrDelivered()
    {
        await GivenOrderAsync();

        var order = await ReadOneAsync();

        order.PaymentCount.Should().Be(0);
        order.PaymentGross.Should().Be(0m);
        order.FirstPaymentAt.Should().BeNull();
        order.Provider.Should().BeNull();
        order.ProviderTxnId.Should().BeNull();
        order.Vendor.Should().BeNull();
        order.InFlight.Should().BeFalse();
        order.Amount.Should().Be(648.00m);
        order.CreatedAt.Should().Be(Beijing(11, 18, 9, 30));
    }

    [Fact]
    public async Task ReadOrderEvidenceAsync_ScopesOrdersCreatedOnTheBeijingDate_WhenOrdersStraddleMidnight()
    {
        var runId = await RunAsync();
        await ImportOrdersAsync(runId, "orders_20261117_20261119.csv",
            Order("KM202611170000999", Beijing(11, 17, 23, 59, 59)),
            Order("KM202611180000001", Beijing(11, 18, 0, 0, 0)),
            Order("KM202611180000998", Beijing(11, 18, 23, 59, 59)),
            Order("KM202611190000001", Beijing(11, 19, 0, 0, 0)));

        var evidence = await ReadAsync();

        evidence.Keys.Should().BeEquivalentTo("KM202611180000001", "KM202611180000998");
    }

    [Fact]
    public async Task ReadOrderEvidenceAsync_IncludesEarlierOrder_WhenItHasAnOpenFindingFromAnEarlierDate()
    {
        var earlierDay = Day.AddDays(-1);
        var earlierRun = await CreateRunAsync(earlierDay);
        await ImportOrdersAsync(earlierRun, "orders_20261117.csv",
            Order("KM202611170000013", Beijing(11, 17, 20, 0)),
            Order("KM202611170000014", Beijing(11, 17, 20, 1)),
            Order("KM202611170000015", Beijing(11, 17, 20, 2)));
        var store = new ReconciliationStore(Database.DataSource);
        await using (var writer = await store.BeginFindingsAsync(earlierRun, WindowFor(earlierDay), Ct))
        {
            writer.Add(Findings.Pending("KM202611170000013"), earlierDay);
            writer.Add(Findings.Pending("KM202611170000015"), earlierDay);
            await writer.CommitAsync(Ct);
        }

        await Database.ExecuteAsync("UPDATE finding SET status = 'resolved' WHERE order_no = 'KM202611170000015'");
        await GivenOrderAsync();

        var evidence = await ReadAsync();

        evidence.Keys.Should().BeEquivalentTo(OrderNo, "KM202611170000013");
    }

    [Fact]
    public async Task ReadOrderEvidenceAsync_SetsSettlementMissing_WhenOrdersChannelIsInThePassedSet()
    {
        var runId = await RunAsync();
        await ImportOrdersAsync(runId, "orders_20261118.csv",
            Order("KM202611180000013", Beijing(11, 18, 9, 30), payChannel: "wechat"),
            Order("KM202611180000014", Beijing(11, 18, 9, 31), payChannel: "alipay"));

        var evidence = await ReadAsync("alipay");

        evidence["KM202611180000013"].SettlementMissing.Should().BeFalse();
        evidence["KM202611180000014"].SettlementMissing.Should().BeTrue();
    }
}
