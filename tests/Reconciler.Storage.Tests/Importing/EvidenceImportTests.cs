using Reconciler.Core.Evidence;
using Reconciler.Storage.Importing;
using Reconciler.Storage.Tests.Support;
using static Reconciler.Storage.Tests.Support.Evidence;

namespace Reconciler.Storage.Tests.Importing;

public sealed class EvidenceImportTests : DatabaseTest
{
    private static readonly FileFacts NoFacts = new(null, null, null, null);

    [Fact]
    public async Task CommitAsync_StoresOrdersWithFileAndLine_WhenOrdersFileImported()
    {
        var runId = await CreateRunAsync();

        var fileId = await ImportOrdersAsync(runId, "orders_20261118.csv",
            Order("KM202611180000013", Beijing(11, 18, 9, 30), 648.00m),
            Order("KM202611180000014", Beijing(11, 18, 9, 31), 30.00m));

        var rows = await Database.QueryAsync<(string OrderNo, long FileId, long LineNo, decimal Amount)>(
            "SELECT order_no, file_id, line_no, amount FROM platform_order ORDER BY order_no");
        rows.Should().Equal(
            ("KM202611180000013", fileId, 2L, 648.00m),
            ("KM202611180000014", fileId, 3L, 30.00m));
        var file = await Database.QueryAsync<(string Status, long Rows, string Kind, long RunId)>(
            "SELECT status, rows_imported, kind, run_id FROM imported_file WHERE file_id = @fileId", new { fileId });
        file.Should().Equal(("imported", 2L, "orders", runId));
    }

    [Fact]
    public async Task CommitAsync_StoresSettlementLinesWithFileAndLine_WhenSettlementFileImported()
    {
        var runId = await CreateRunAsync();

        var fileId = await ImportSettlementAsync(runId, "wechat_bill_ALL_20261118.csv", "wechat",
        [
            Payment("wechat", "4200002345202611181234567890", "KM202611180000013", 648.00m, Beijing(11, 18, 9, 30, 12)),
            Line("wechat", SettlementEntryType.Refund, "4200002345202611181234567890", "50300001232026111800001", "KM202611180000013", 48.00m, Beijing(11, 18, 11, 0)),
        ]);

        var rows = await Database.QueryAsync<(long FileId, long LineNo, string EntryType, string EntryRef, decimal Gross, DateTime OccurredAt)>(
            "SELECT file_id, line_no, entry_type, entry_ref, gross, occurred_at FROM settlement_line ORDER BY line_no");
        rows.Should().Equal(
            (fileId, 2L, "payment", "4200002345202611181234567890", 648.00m, new DateTime(2026, 11, 18, 1, 30, 12, DateTimeKind.Utc)),
            (fileId, 3L, "refund", "50300001232026111800001", 48.00m, new DateTime(2026, 11, 18, 3, 0, 0, DateTimeKind.Utc)));
        (await Database.ScalarAsync<string>("SELECT provider FROM imported_file WHERE file_id = @fileId", new { fileId })).Should().Be("wechat");
    }

    [Fact]
    public async Task CommitAsync_MarksASettlementFile_ThatHoldsTwoLinesWithTheSameKey()
    {
        // A refund and a payment may share a reference (another entry type), and so may two providers' lines; only
        // the same provider, entry type and reference twice is a copy within the file.
        var runId = await CreateRunAsync();
        var payment = Payment("wechat", "4200002345202611181234567890", "KM202611180000013", 648.00m, Beijing(11, 18, 9, 30, 12));
        var refund = Line("wechat", SettlementEntryType.Refund, "4200002345202611181234567890", payment.EntryRef, "KM202611180000013", 48.00m, Beijing(11, 18, 11, 0));

        var distinct = await ImportSettlementAsync(runId, "wechat_bill_ALL_20261118.csv", "wechat", [payment, refund]);
        var copied = await ImportSettlementAsync(runId, "wechat_bill_ALL_20261118_again.csv", "wechat",
            [payment, refund, payment with { OrderNo = "KM202611180000014", Gross = 6.00m }]);
        var orders = await ImportOrdersAsync(runId, "orders_20261118.csv", Order("KM202611180000013", Beijing(11, 18, 9, 0)));

        var marked = await Database.QueryAsync<(long FileId, bool? CopiesWithin)>(
            "SELECT file_id, copies_within FROM imported_file ORDER BY file_id");
        marked.Should().Equal((distinct, false), (copied, true), (orders, (bool?)null));
    }

    [Fact]
    public async Task CommitAsync_KeepsTheProviderAndEntryTypePairs_AndTheOrderNumberPrefixes_OfTheLinesThatNameAnOrder()
    {
        // Each number without its last four characters (its first at least), never cut inside a surrogate pair
        // (U+1F600 is one in .NET); a line naming no order is in neither list.
        var runId = await CreateRunAsync();
        var file = await ImportSettlementAsync(runId, "payout_reconciliation_2026-11-18.csv", "stripe",
        [
            Payment("stripe", "txn_1", "KM202611180000013", 20.00m, Beijing(11, 18, 9, 30), "USD"),
            Payment("stripe", "txn_2", "KM\U0001F600123", 20.00m, Beijing(11, 18, 9, 31), "USD"),
            Line("stripe", SettlementEntryType.Refund, "txn_1", "re_1", "KM\uFF21", 5.00m, Beijing(11, 18, 9, 32), "USD"),
            Payment("stripe", "txn_3", "KM202611180000014", 20.00m, Beijing(11, 18, 9, 33), "USD"),
            Line("stripe", SettlementEntryType.Chargeback, "txn_9", "dp_1", null, 5.00m, Beijing(11, 18, 9, 34), "USD"),
            Payment("stripe", "txn_4", "KA", 20.00m, Beijing(11, 18, 9, 35), "USD"),
        ]);
        var noOrder = await ImportSettlementAsync(runId, "payout_reconciliation_2026-11-19.csv", "stripe",
            [Payment("stripe", "txn_5", string.Empty, 25.00m, Beijing(11, 19, 9, 30), "USD")]);
        var orders = await ImportOrdersAsync(runId, "orders_20261118.csv", Order("KM202611180000013", Beijing(11, 18, 9, 0)));

        var kept = await Database.QueryAsync<(long FileId, string? Pairs, string? Prefixes)>(
            """
            SELECT file_id, array_to_string(line_pairs, ',', 'NULL'), array_to_string(line_order_prefixes, ',', 'NULL')
            FROM imported_file ORDER BY file_id
            """);
        kept.Should().Equal(
            (file, "stripe\u001fpayment,stripe\u001frefund", "K,KM20261118000,KM\U0001F600"),
            (noOrder, string.Empty, string.Empty),
            (orders, null, null));
    }

    [Fact]
    public async Task CommitAsync_KeepsThePrefixAllItsOrderNumbersBeginWith_WhenAFileHasTooManyPrefixes()
    {
        var runId = await CreateRunAsync();
        var lines = Enumerable.Range(0, EvidenceImport.MaxLinePrefixes + 4)
            .Select(i => Payment("wechat", $"42{i:D8}", $"KM20261118{i:D5}0000", 1.00m, Beijing(11, 18, 9, 30)))
            .ToArray();

        var file = await ImportSettlementAsync(runId, "wechat_bill_ALL_20261118.csv", "wechat", lines);

        (await Database.ScalarAsync<string>(
                "SELECT array_to_string(line_order_prefixes, ',') FROM imported_file WHERE file_id = @file", new { file }))
            .Should().Be("KM202611180");
    }

    [Fact]
    public async Task CommitAsync_StoresDeliveryEventsWithFileAndLine_WhenDeliveryFileImported()
    {
        var runId = await CreateRunAsync();

        var fileId = await ImportDeliveriesAsync(runId, "carrier_delivery_20261118.csv",
            Delivery("cmcc", "V9001", "KM202611180000013", DeliveryStatus.Processing),
            Delivery("cmcc", "V9001", "KM202611180000013", DeliveryStatus.Success, finishedAt: Beijing(11, 18, 9, 35)));

        var rows = await Database.QueryAsync<(long FileId, long LineNo, string Status, DateTime? FinishedAt)>(
            "SELECT file_id, line_no, status, finished_at FROM delivery_event ORDER BY line_no");
        rows.Should().Equal(
            (fileId, 2L, "processing", (DateTime?)null),
            (fileId, 3L, "success", new DateTime(2026, 11, 18, 1, 35, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public async Task CommitAsync_StoresTheSameInstants_WhenTimesCarryBeijingOffset()
    {
        var runId = await CreateRunAsync();
        var created = Beijing(11, 18, 0, 19, 11);

        await ImportOrdersAsync(runId, "orders_20261118.csv", Order("KM202611180000013", created, paidAt: created.AddSeconds(7)));
        await ImportSettlementAsync(runId, "wechat_bill_ALL_20261118.csv", "wechat",
            [Payment("wechat", "4200002345202611181234567890", "KM202611180000013", 648.00m, created.AddSeconds(5))]);
        await ImportDeliveriesAsync(runId, "carrier_delivery_20261118.csv",
            Delivery("cmcc", "V9001", "KM202611180000013", DeliveryStatus.Success, finishedAt: created.AddMinutes(2)));

        var utc = new DateTime(2026, 11, 17, 16, 19, 11, DateTimeKind.Utc);
        (await Database.ScalarAsync<DateTime>("SELECT created_at FROM platform_order")).Should().Be(utc);
        (await Database.ScalarAsync<DateTime>("SELECT paid_at FROM platform_order")).Should().Be(utc.AddSeconds(7));
        (await Database.ScalarAsync<DateTime>("SELECT occurred_at FROM settlement_line")).Should().Be(utc.AddSeconds(5));
        (await Database.ScalarAsync<DateTime>("SELECT finished_at FROM delivery_event")).Should().Be(utc.AddMinutes(2));
    }

    [Fact]
    public async Task BeginAsync_ReturnsDuplicateNamingEarlierFile_WhenSameBytesAndEntryImportedAgain()
    {
        var runId = await CreateRunAsync();
        var identity = Identity("20881234567890120156_20261118.csv.zip", "alipay-trade", EvidenceKind.Settlement, "20881234567890120156_20261118_业务明细.csv");
        long firstId;
        await using (var first = await BeginAsync(identity, runId))
        {
            first.AddSettlement(6, Payment("alipay", "2026111822001412345678901234", "KM202611180000013", 648.00m, Beijing(11, 18, 9, 30)));
            firstId = (await first.CommitAsync(new FileFacts("alipay", null, Day, Day), Ct)).FileId!.Value;
        }

        var (again, duplicate) = await EvidenceImport.BeginAsync(
            Database.DataSource, identity with { SourceName = "copy of 20881234567890120156_20261118.csv.zip" }, runId, Ct);

        again.Should().BeNull();
        duplicate.Should().NotBeNull();
        duplicate!.Status.Should().Be(FileImportOutcome.Duplicate);
        duplicate.FileId.Should().Be(firstId);
        duplicate.RowsImported.Should().Be(0);
        duplicate.Detail.Should().Contain("20881234567890120156_20261118.csv.zip").And.Contain("imported");
        (await Database.ScalarAsync<long>("SELECT count(*) FROM imported_file")).Should().Be(1);
        (await Database.ScalarAsync<long>("SELECT count(*) FROM settlement_line")).Should().Be(1);
    }

    [Fact]
    public async Task BeginAsync_ImportsAgain_WhenSameBytesComeAsAnotherArchiveEntry()
    {
        var runId = await CreateRunAsync();
        var identity = Identity("bills.zip", "wechat-bill", EvidenceKind.Settlement, "wechat_bill_ALL_20261118.csv");
        await using (var first = await BeginAsync(identity, runId))
        {
            await first.CommitAsync(new FileFacts("wechat", null, Day, Day), Ct);
        }

        var (again, duplicate) = await EvidenceImport.BeginAsync(
            Database.DataSource, identity with { EntryName = "wechat_bill_ALL_20261118 (1).csv" }, runId, Ct);
        await using var _ = again;

        duplicate.Should().BeNull();
        again.Should().NotBeNull();
    }

    [Fact]
    public async Task RejectAsync_DiscardsRowsAndRecordsReason_WhenRowsWereAdded()
    {
        var runId = await CreateRunAsync();
        var import = await BeginAsync(Identity("wechat_bill_ALL_20261118.csv", "wechat-bill", EvidenceKind.Settlement), runId);
        FileImportOutcome outcome;
        await using (import)
        {
            import.AddSettlement(2, Payment("wechat", "4200002345202611181234567890", "KM202611180000013", 648.00m, Beijing(11, 18, 9, 30)));
            import.AddSettlement(3, Payment("wechat", "4200002345202611181234567891", "KM202611180000014", 30.00m, Beijing(11, 18, 9, 31)));
            import.Quarantine(4, "`2026-11-18 09:32:00,`wx", "7 cells, header has 24");
            outcome = await import.RejectAsync(
                FileImportOutcome.Rejected, new FileFacts("wechat", "总交易单数 3", Day, Day), "summary says 3 trades, rows hold 2", Ct);
        }

        outcome.Status.Should().Be(FileImportOutcome.Rejected);
        outcome.RowsImported.Should().Be(0);
        (await Database.ScalarAsync<long>("SELECT count(*) FROM settlement_line")).Should().Be(0);
        (await Database.ScalarAsync<long>("SELECT count(*) FROM quarantine")).Should().Be(0);
        var file = await Database.QueryAsync<(long FileId, string Status, string Detail, string Provider, long Rows)>(
            "SELECT file_id, status, detail, provider, rows_imported FROM imported_file");
        file.Should().Equal((outcome.FileId!.Value, "rejected", "summary says 3 trades, rows hold 2", "wechat", 0L));
    }

    [Fact]
    public async Task RejectAsync_RecordsNoBill_WhenProviderAnsweredNoBill()
    {
        var runId = await CreateRunAsync();
        var import = await BeginAsync(Identity("no_bill_20261118.csv", "wechat-bill", EvidenceKind.Settlement), runId);
        await using (import)
        {
            await import.RejectAsync(FileImportOutcome.NoBill, new FileFacts("wechat", null, Day, Day), "No Bill Exist", Ct);
        }

        var file = await Database.QueryAsync<(string Status, string Detail, DateTime PeriodStart)>(
            "SELECT status, detail, period_start FROM imported_file");
        file.Should().Equal(("no_bill", "No Bill Exist", new DateTime(2026, 11, 18)));
    }

    [Fact]
    public async Task RejectAsync_Throws_WhenStatusIsNeitherRejectedNorNoBill()
    {
        var runId = await CreateRunAsync();
        await using var import = await BeginAsync(Identity("wechat_bill_ALL_20261118.csv", "wechat-bill", EvidenceKind.Settlement), runId);

        var reject = () => import.RejectAsync(FileImportOutcome.Imported, NoFacts, "why", Ct);

        await reject.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task DisposeAsync_LeavesNothing_WhenNotCommitted()
    {
        var runId = await CreateRunAsync();
        var import = await BeginAsync(Identity("orders_20261118.csv", "orders", EvidenceKind.Orders), runId);
        await using (import)
        {
            import.AddOrder(2, Order("KM202611180000013", Beijing(11, 18, 9, 30)));
            import.Quarantine(3, "KM202611180000014,not a time", "created_at is not ISO 8601");
        }

        (await Database.ScalarAsync<long>("SELECT count(*) FROM imported_file")).Should().Be(0);
        (await Database.ScalarAsync<long>("SELECT count(*) FROM platform_order")).Should().Be(0);
        (await Database.ScalarAsync<long>("SELECT count(*) FROM quarantine")).Should().Be(0);
    }

    [Fact]
    public async Task CommitAsync_StoresQuarantinedLinesWithRawTextAndReason_WhenLinesWereUnreadable()
    {
        var runId = await CreateRunAsync();
        var import = await BeginAsync(Identity("carrier_delivery_20261118.csv", "vendor-csv", EvidenceKind.Delivery), runId);
        FileImportOutcome outcome;
        await using (import)
        {
            import.AddDelivery(2, Delivery("cmcc", "V9001", "KM202611180000013", DeliveryStatus.Success));
            import.Quarantine(3, "cmcc,V9002,KM202611180000014,138001\038000,CMCC-648,one", "quantity 'one' is not a number");
            import.Quarantine(5, "cmcc,V9003", "2 cells, header has 11");
            outcome = await import.CommitAsync(NoFacts, Ct);
        }

        outcome.RowsImported.Should().Be(1);
        outcome.RowsQuarantined.Should().Be(2);
        var rows = await Database.QueryAsync<(long FileId, long LineNo, string RawText, string Reason)>(
            "SELECT file_id, line_no, raw_text, reason FROM quarantine ORDER BY line_no");
        rows.Should().Equal(
            (outcome.FileId!.Value, 3L, "cmcc,V9002,KM202611180000014,138001\uFFFD38000,CMCC-648,one", "quantity 'one' is not a number"),
            (outcome.FileId!.Value, 5L, "cmcc,V9003", "2 cells, header has 11"));
        (await Database.ScalarAsync<long>("SELECT rows_quarantined FROM imported_file")).Should().Be(2);
    }

    [Fact]
    public async Task CommitAsync_ReplacesOrder_WhenLaterOrdersFileHasSameOrderNo()
    {
        var runId = await CreateRunAsync();
        await ImportOrdersAsync(runId, "orders_20261118_0900.csv",
            Order("KM202611180000013", Beijing(11, 18, 9, 30), status: "delivering"),
            Order("KM202611180000014", Beijing(11, 18, 9, 31)));

        var laterId = await ImportOrdersAsync(runId, "orders_20261118_2359.csv",
            Order("KM202611180000013", Beijing(11, 18, 9, 30), status: "failed"));

        var rows = await Database.QueryAsync<(string OrderNo, string Status, long FileId)>(
            "SELECT order_no, status, file_id FROM platform_order ORDER BY order_no");
        rows.Should().HaveCount(2);
        rows[0].Should().Be(("KM202611180000013", "failed", laterId));
        rows[1].OrderNo.Should().Be("KM202611180000014");
    }

    [Fact]
    public async Task CommitAsync_KeepsLastLine_WhenOneFileNamesAnOrderTwice()
    {
        var runId = await CreateRunAsync();

        await ImportOrdersAsync(runId, "orders_20261118.csv",
            Order("KM202611180000013", Beijing(11, 18, 9, 30), status: "paid"),
            Order("KM202611180000014", Beijing(11, 18, 9, 31)),
            Order("KM202611180000013", Beijing(11, 18, 9, 30), status: "delivered"));

        var rows = await Database.QueryAsync<(string Status, long LineNo)>(
            "SELECT status, line_no FROM platform_order WHERE order_no = 'KM202611180000013'");
        rows.Should().Equal(("delivered", 4L));
    }

    [Fact]
    public async Task AddSettlement_StoresNullOrderNo_WhenOrderNoIsEmpty()
    {
        var runId = await CreateRunAsync();

        await ImportSettlementAsync(runId, "payout_reconciliation_2026-11-18.csv", "stripe",
        [
            Payment("stripe", "txn_3QJ7nA2eZvKYlo2C0l8xk9aB", string.Empty, 20.00m, Beijing(11, 18, 9, 30), "USD"),
            Payment("stripe", "txn_3QJ7nA2eZvKYlo2C0l8xk9aC", null, 25.00m, Beijing(11, 18, 9, 31), "USD"),
        ]);

        (await Database.ScalarAsync<long>("SELECT count(*) FROM settlement_line WHERE order_no IS NULL")).Should().Be(2);
    }

    [Fact]
    public async Task AddSettlement_Throws_WhenFileKindIsOrders()
    {
        var runId = await CreateRunAsync();
        await using var import = await BeginAsync(Identity("orders_20261118.csv", "orders", EvidenceKind.Orders), runId);

        var add = () => import.AddSettlement(2, Payment("wechat", "4200002345202611181234567890", "KM202611180000013", 648.00m, Beijing(11, 18, 9, 30)));

        add.Should().Throw<InvalidOperationException>().WithMessage("*orders_20261118.csv*orders*settlement*");
    }
}
