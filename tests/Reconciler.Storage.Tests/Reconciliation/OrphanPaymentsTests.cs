using Reconciler.Core.Evidence;
using Reconciler.Core.Matching;
using Reconciler.Storage.Reconciliation;
using Reconciler.Storage.Tests.Support;
using static Reconciler.Storage.Tests.Support.Evidence;

namespace Reconciler.Storage.Tests.Reconciliation;

public sealed class OrphanPaymentsTests : DatabaseTest
{
    private async Task<List<PaymentEvidence>> ReadAsync(DateOnly date)
    {
        var payments = new List<PaymentEvidence>();
        await foreach (var payment in new ReconciliationStore(Database.DataSource).ReadOrphanPaymentsAsync(WindowFor(date), Ct))
        {
            payments.Add(payment);
        }

        return payments;
    }

    [Fact]
    public async Task ReadOrphanPaymentsAsync_ReturnsPayments_WhenOrderIsUnknownOrMissing()
    {
        var runId = await CreateRunAsync();
        await ImportOrdersAsync(runId, "orders_20261118.csv", Order("KM202611180000013", Beijing(11, 18, 9, 30)));
        await ImportSettlementAsync(runId, "wechat_bill_ALL_20261118.csv", "wechat",
        [
            Payment("wechat", "4200002345202611181234567890", "KM202611180000013", 648.00m, Beijing(11, 18, 9, 30, 12)),
            Payment("wechat", "4200002345202611181234567891", "KM209911180000404", 30.00m, Beijing(11, 18, 10, 0)),
            Payment("wechat", "4200002345202611181234567892", null, 50.00m, Beijing(11, 18, 11, 0)),
        ]);

        var orphans = await ReadAsync(Day);

        orphans.Should().Equal(
            new PaymentEvidence("wechat", "4200002345202611181234567891", "KM209911180000404", 30.00m, "CNY", Beijing(11, 18, 10, 0)),
            new PaymentEvidence("wechat", "4200002345202611181234567892", null, 50.00m, "CNY", Beijing(11, 18, 11, 0)));
    }

    [Fact]
    public async Task ReadOrphanPaymentsAsync_FindsTheOrdersOfEveryDate_AndOnlyTheMissingOneIsAnOrphan()
    {
        // A payment today may name an order of another date, below or above the date's own numbers: it is no orphan.
        // One naming an order that exists on no date is, even when its number lies among the known ones.
        var runId = await CreateRunAsync();
        await ImportOrdersAsync(runId, "orders_20261117.csv", Order("KM202611170000001", Beijing(11, 17, 23, 50)));
        await ImportOrdersAsync(runId, "orders_20261118.csv", Order("KM202611180000013", Beijing(11, 18, 9, 30)));
        await ImportOrdersAsync(runId, "orders_20261119.csv", Order("KM202611190000002", Beijing(11, 19, 0, 1)));
        await ImportOrdersAsync(runId, "orders_20261120.csv", Order("KM202611200000009", Beijing(11, 20, 8, 0)));
        await ImportSettlementAsync(runId, "wechat_bill_ALL_20261118.csv", "wechat",
        [
            Payment("wechat", "4200002345202611181234567801", "KM202611170000001", 648.00m, Beijing(11, 18, 0, 5)),
            Payment("wechat", "4200002345202611181234567813", "KM202611180000013", 648.00m, Beijing(11, 18, 9, 31)),
            Payment("wechat", "4200002345202611181234567802", "KM202611190000002", 648.00m, Beijing(11, 18, 23, 59)),
            Payment("wechat", "4200002345202611181234567850", "KM202611180000500", 30.00m, Beijing(11, 18, 12, 0)),
        ]);

        var orphans = await ReadAsync(Day);

        orphans.Select(o => o.OrderNo).Should().Equal("KM202611180000500");
    }

    [Fact]
    public async Task ReadOrphanPaymentsAsync_FindsTheOrdersOfOtherDates_ThatTheDatesPaymentsName()
    {
        // The date's payments come in two files: one of the date, and one whose span starts the day before and names an
        // order of another date (numbered far below the date's). Its order is known, so it is no orphan: the date's
        // orders are anti-joined first, and each payment left is looked for among every order.
        var runId = await CreateRunAsync();
        await ImportOrdersAsync(runId, "orders_20261101.csv", Order("KM202611010000007", Beijing(11, 1, 10, 0)));
        await ImportOrdersAsync(runId, "orders_20261118.csv", Order("KM202611180000013", Beijing(11, 18, 9, 30)));
        await ImportSettlementAsync(runId, "wechat_bill_ALL_20261118.csv", "wechat",
        [
            Payment("wechat", "4200002345202611181234567813", "KM202611180000013", 648.00m, Beijing(11, 18, 9, 31)),
            Payment("wechat", "4200002345202611181234567850", "KM202611180000500", 30.00m, Beijing(11, 18, 12, 0)),
        ]);
        await ImportSettlementAsync(runId, "wechat_late_20261117.csv", "wechat",
        [
            Payment("wechat", "4200002345202611171234567800", "KM202611170000404", 30.00m, Beijing(11, 17, 22, 0)),
            Payment("wechat", "4200002345202611181234567807", "KM202611010000007", 648.00m, Beijing(11, 18, 0, 30)),
            Payment("wechat", "4200002345202611181234567899", "KM202610010000001", 5.00m, Beijing(11, 18, 0, 31)),
            Payment("wechat", "4200002345202611181234567898", null, 5.00m, Beijing(11, 18, 0, 32)),
        ]);

        (await ReadAsync(Day)).Select(o => o.OrderNo).Should().Equal("KM202611180000500", null, "KM202610010000001");
    }

    [Fact]
    public async Task ReadOrphanPaymentsAsync_ReadsTheKeptPaymentsBack_UntilAFileIsImportedOrTheBoundsMove()
    {
        var runId = await CreateRunAsync();
        await ImportOrdersAsync(runId, "orders_20261118.csv", Order("KM202611180000013", Beijing(11, 18, 9, 30)));
        await ImportSettlementAsync(runId, "wechat_bill_ALL_20261118.csv", "wechat",
        [
            Payment("wechat", "4200002345202611181234567813", "KM202611180000013", 648.00m, Beijing(11, 18, 9, 31)),
            Payment("wechat", "4200002345202611181234567850", "KM202611180000500", 30.00m, Beijing(11, 18, 12, 0)),
        ]);
        (await ReadAsync(Day)).Select(o => (o.OrderNo, o.Gross)).Should().Equal(("KM202611180000500", 30.00m));

        // Nothing new imported: the kept payments are read back, not looked for again (altered here to tell the two apart).
        await Database.ExecuteAsync("UPDATE orphan_payment_cache SET gross = 7");
        (await ReadAsync(Day)).Single().Gross.Should().Be(7m);

        // The same date with other bounds (another time zone's day) is looked at again.
        var shifted = WindowFor(Day) with { DayStart = WindowFor(Day).DayStart.AddHours(-1) };
        var payments = new List<PaymentEvidence>();
        await foreach (var payment in new ReconciliationStore(Database.DataSource).ReadOrphanPaymentsAsync(shifted, Ct))
        {
            payments.Add(payment);
        }

        payments.Single().Gross.Should().Be(30.00m);

        // A new file: its order makes the kept orphan a payment of a known order, and its own orphan joins.
        await Database.ExecuteAsync("UPDATE orphan_payment_cache SET gross = 7");
        await ImportOrdersAsync(runId, "orders_20261118 (2).csv", Order("KM202611180000500", Beijing(11, 18, 11, 0)));
        await ImportSettlementAsync(runId, "wechat_bill_ALL_20261118 (2).csv", "wechat",
            [Payment("wechat", "4200002345202611181234567851", "KM202611180000501", 40.00m, Beijing(11, 18, 13, 0))]);
        (await ReadAsync(Day)).Select(o => (o.OrderNo, o.Gross)).Should().Equal(("KM202611180000501", 40.00m));
    }

    [Fact]
    public async Task ReadOrphanPaymentsAsync_GroupsAKeptLineWithItsCopiesOfAnEarlierOpenOrphan()
    {
        // A line of an earlier date's open orphan can have a copy among the date's payments (a bill downloaded again,
        // its span reaching back): kept or not, the two come out as one payment with the least of each column.
        var earlierDay = Day.AddDays(-1);
        var earlierRun = await CreateRunAsync(earlierDay);
        var line = Payment("wechat", "4200002345202611171234567891", "KM209911170000404", 30.00m, Beijing(11, 17, 23, 0));
        await ImportSettlementAsync(earlierRun, "wechat_bill_ALL_20261117.csv", "wechat", [line]);
        await using (var writer = await new ReconciliationStore(Database.DataSource).BeginFindingsAsync(earlierRun, WindowFor(earlierDay), Ct))
        {
            writer.Add(Findings.Orphan("wechat", "4200002345202611171234567891", 30.00m), earlierDay);
            await writer.CommitAsync(Ct);
        }

        var runId = await CreateRunAsync();
        await ImportSettlementAsync(runId, "wechat_bill_ALL_20261118.csv", "wechat",
            [line with { OccurredAt = Beijing(11, 18, 0, 10) }]);

        var first = await ReadAsync(Day);
        var again = await ReadAsync(Day);

        first.Should().Equal(new PaymentEvidence("wechat", "4200002345202611171234567891", "KM209911170000404", 30.00m, "CNY", Beijing(11, 17, 23, 0)));
        again.Should().Equal(first);
    }

    [Fact]
    public async Task ReadOrphanPaymentsAsync_ReturnsPaymentsNamingNoOrder_WhenNoPaymentNamesOne()
    {
        var runId = await CreateRunAsync();
        await ImportOrdersAsync(runId, "orders_20261118.csv", Order("KM202611180000013", Beijing(11, 18, 9, 30)));
        await ImportSettlementAsync(runId, "wechat_bill_ALL_20261118.csv", "wechat",
            [Payment("wechat", "4200002345202611181234567892", null, 50.00m, Beijing(11, 18, 11, 0))]);

        (await ReadAsync(Day)).Select(o => o.ProviderTxnId).Should().Equal("4200002345202611181234567892");
    }

    [Fact]
    public async Task ReadOrphanPaymentsAsync_IgnoresFeePayoutAndRefundLines_WhenTheyNameNoOrder()
    {
        var runId = await CreateRunAsync();
        await ImportSettlementAsync(runId, "payout_reconciliation_2026-11-18.csv", "stripe",
        [
            Line("stripe", SettlementEntryType.Fee, "txn_fee_1QJ7nA2eZvKYlo2C", "txn_fee_1QJ7nA2eZvKYlo2C", null, 2.50m, Beijing(11, 18, 9, 0), "USD"),
            Line("stripe", SettlementEntryType.Payout, "po_1QJ7nA2eZvKYlo2C", "po_1QJ7nA2eZvKYlo2C", null, 1200.00m, Beijing(11, 18, 9, 0), "USD"),
            Line("stripe", SettlementEntryType.Refund, "ch_3QJ7nA2eZvKYlo2C", "re_3QJ7nA2eZvKYlo2C", "KM209911180000404", 20.00m, Beijing(11, 18, 9, 0), "USD"),
        ]);

        (await ReadAsync(Day)).Should().BeEmpty();
    }

    [Fact]
    public async Task ReadOrphanPaymentsAsync_CountsPaymentOnce_WhenSameLineIsInTwoFiles()
    {
        var runId = await CreateRunAsync();
        var orphan = Payment("wechat", "4200002345202611181234567891", "KM209911180000404", 30.00m, Beijing(11, 18, 10, 0));
        await ImportSettlementAsync(runId, "wechat_bill_ALL_20261118.csv", "wechat", [orphan]);
        await ImportSettlementAsync(runId, "1900000109_20261118_success.csv", "wechat", [orphan]);

        (await ReadAsync(Day)).Should().ContainSingle();
    }

    [Fact]
    public async Task ReadOrphanPaymentsAsync_IgnoresPaymentOfAnotherDate_WhenNoOpenOrphanFindingNamesIt()
    {
        var runId = await CreateRunAsync();
        await ImportSettlementAsync(runId, "wechat_bill_ALL_20261117.csv", "wechat",
            [Payment("wechat", "4200002345202611171234567891", "KM209911170000404", 30.00m, Beijing(11, 17, 23, 59, 59))]);

        (await ReadAsync(Day)).Should().BeEmpty();
    }

    [Fact]
    public async Task ReadOrphanPaymentsAsync_ReturnsPaymentOfEarlierDate_WhenAnOpenOrphanFindingFromThatDateNamesIt()
    {
        var earlierDay = Day.AddDays(-1);
        var earlierRun = await CreateRunAsync(earlierDay);
        await ImportSettlementAsync(earlierRun, "wechat_bill_ALL_20261117.csv", "wechat",
        [
            Payment("wechat", "4200002345202611171234567891", "KM209911170000404", 30.00m, Beijing(11, 17, 21, 0)),
            Payment("wechat", "4200002345202611171234567892", "KM209911170000405", 40.00m, Beijing(11, 17, 22, 0)),
        ]);
        await using (var writer = await new ReconciliationStore(Database.DataSource).BeginFindingsAsync(earlierRun, WindowFor(earlierDay), Ct))
        {
            writer.Add(Findings.Orphan("wechat", "4200002345202611171234567891", 30.00m), earlierDay);
            await writer.CommitAsync(Ct);
        }

        var orphans = await ReadAsync(Day);

        orphans.Select(o => o.ProviderTxnId).Should().Equal("4200002345202611171234567891");
    }
}
