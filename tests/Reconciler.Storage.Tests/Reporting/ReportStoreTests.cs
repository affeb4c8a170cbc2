using Reconciler.Core.Evidence;
using Reconciler.Storage.Importing;
using Reconciler.Storage.Reporting;
using Reconciler.Storage.Tests.Support;
using static Reconciler.Storage.Tests.Support.Evidence;

namespace Reconciler.Storage.Tests.Reporting;

public sealed class ReportStoreTests : DatabaseTest
{
    private ReportStore Reports => new(Database.DataSource);

    private async Task<FileImportOutcome> ImportWithQuarantineAsync(long runId, FileIdentity identity, int goodLines, params string[] badLines)
    {
        await using var import = await BeginAsync(identity, runId);
        var line = 1;
        for (var i = 0; i < goodLines; i++)
        {
            import.AddDelivery(++line, Delivery("cmcc", "V900" + i, "KM202611180000013", DeliveryStatus.Success));
        }

        foreach (var bad in badLines)
        {
            import.Quarantine(++line, bad, "2 cells, header has 11");
        }

        return await import.CommitAsync(new FileFacts(null, null, null, null), Ct);
    }

    [Fact]
    public async Task RunFilesAsync_ShowsDuplicateAndRejectedFilesWithDetails_WhenRunSawThem()
    {
        var firstRun = await CreateRunAsync();
        var bill = Identity("wechat_bill_ALL_20261118.csv", "wechat-bill", EvidenceKind.Settlement);
        FileImportOutcome imported;
        await using (var import = await BeginAsync(bill, firstRun))
        {
            import.AddSettlement(2, Payment("wechat", "4200002345202611181234567890", "KM202611180000013", 648.00m, Beijing(11, 18, 9, 30)));
            imported = await import.CommitAsync(new FileFacts("wechat", "总交易单数 1, 应结订单总金额 648.00", Day, Day), Ct);
        }

        var secondRun = await CreateRunAsync();
        var (_, duplicate) = await EvidenceImport.BeginAsync(Database.DataSource, bill with { SourceName = "wechat_bill_ALL_20261118 (1).csv" }, secondRun, Ct);
        var truncated = Identity("20881234567890120156_20261118.csv", "alipay-trade", EvidenceKind.Settlement);
        FileImportOutcome rejected;
        await using (var import = await BeginAsync(truncated, secondRun))
        {
            rejected = await import.RejectAsync(FileImportOutcome.Rejected, new FileFacts("alipay", null, Day, Day), "footer says 12 trades, rows hold 7", Ct);
        }

        await Runs.RecordFileAsync(firstRun, 1, bill.SourceName, bill.Sha256, imported, Ct);
        await Runs.RecordFileAsync(secondRun, 1, "wechat_bill_ALL_20261118 (1).csv", bill.Sha256, duplicate!, Ct);
        await Runs.RecordFileAsync(secondRun, 2, truncated.SourceName, truncated.Sha256, rejected, Ct);

        var files = await Reports.RunFilesAsync(secondRun, Ct);

        files.Should().HaveCount(2);
        files[0].Should().BeEquivalentTo(new
        {
            SourceName = "wechat_bill_ALL_20261118 (1).csv", Format = "wechat-bill", Provider = "wechat", Status = "duplicate",
            RowsImported = 0L, Sha256 = bill.Sha256,
        });
        files[0].Detail.Should().Contain("same bytes as wechat_bill_ALL_20261118.csv");
        files[1].Should().BeEquivalentTo(new
        {
            SourceName = "20881234567890120156_20261118.csv", Format = "alipay-trade", Provider = "alipay", Status = "rejected",
            RowsImported = 0L, Detail = "footer says 12 trades, rows hold 7",
        });
        (await Reports.RunFilesAsync(firstRun, Ct)).Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { Status = "imported", RowsImported = 1L, ControlSummary = "总交易单数 1, 应结订单总金额 648.00" });
    }

    [Fact]
    public async Task SettlementTotalsAsync_CountsEachDistinctLineOncePerCurrency_WhenLinesRepeatAcrossFiles()
    {
        var runId = await CreateRunAsync();
        SettlementRecord[] wechat =
        [
            Line("wechat", SettlementEntryType.Payment, "4200002345202611181234567890", "4200002345202611181234567890", "KM202611180000013", 648.00m, Beijing(11, 18, 9, 30), fee: 3.89m),
            Line("wechat", SettlementEntryType.Payment, "4200002345202611181234567891", "4200002345202611181234567891", "KM202611180000014", 30.00m, Beijing(11, 18, 9, 31), fee: 0.18m),
            Line("wechat", SettlementEntryType.Refund, "4200002345202611181234567891", "50300001232026111800001", "KM202611180000014", 30.00m, Beijing(11, 18, 12, 0), fee: -0.18m),
        ];
        await ImportSettlementAsync(runId, "wechat_bill_ALL_20261118.csv", "wechat", wechat);
        await ImportSettlementAsync(runId, "1900000109_20261118_refund.csv", "wechat", [wechat[2]]);
        await ImportSettlementAsync(runId, "settlement_detail_report_batch_412.csv", "adyen",
        [
            Line("adyen", SettlementEntryType.Payment, "8816300178934562", "8816300178934562", "KM202611180000015", 20.00m, Beijing(11, 18, 10, 0), "USD", 0.60m),
            Line("adyen", SettlementEntryType.Payment, "8816300178934563", "8816300178934563", "KM202611180000016", 99.00m, Beijing(11, 18, 10, 1), "CNY", 2.97m),
            Line("adyen", SettlementEntryType.Chargeback, "8816300178934562", "8816300199990003", "KM202611180000015", 20.00m, Beijing(11, 18, 14, 0), "USD", 15.00m),
            Line("adyen", SettlementEntryType.ChargebackReversal, "8816300178934562", "8816300199990004", "KM202611180000015", 20.00m, Beijing(11, 18, 16, 0), "USD", 0m),
            Line("adyen", SettlementEntryType.Fee, "fee-412", "fee-412", null, 1.25m, Beijing(11, 18, 23, 0), "USD", 0m),
            Line("adyen", SettlementEntryType.Payment, "8816300178934500", "8816300178934500", "KM202611170000015", 50.00m, Beijing(11, 17, 23, 59), "USD", 1.50m),
        ]);

        var totals = await Reports.SettlementTotalsAsync(WindowFor(Day), Ct);

        totals.Should().Equal(
            new SettlementTotalsRow("adyen", "CNY", 1, 99.00m, 0, 0m, 0, 0m, 2.97m),
            new SettlementTotalsRow("adyen", "USD", 1, 20.00m, 0, 0m, 1, 0m, 16.85m),
            new SettlementTotalsRow("wechat", "CNY", 2, 678.00m, 1, 30.00m, 0, 0m, 3.89m));
    }

    /// <summary>
    /// A file of its own is counted per file, without grouping its lines by their key, only when its import found no two
    /// lines with one key in it (<c>imported_file.copies_within</c>): a provider that lists a line twice in one bill must
    /// still count it once.
    /// </summary>
    [Fact]
    public async Task SettlementTotalsAsync_CountsALineOnce_WhenOneFileHoldsItTwice()
    {
        var runId = await CreateRunAsync();
        var payment = Line("stripe", SettlementEntryType.Payment, "ch_3OqR1", "ch_3OqR1", "KM202611180000021", 40.00m, Beijing(11, 18, 9, 0), "USD", 1.46m);
        await ImportSettlementAsync(runId, "payout_reconciliation_2026-11-18.csv", "stripe",
        [
            payment,
            Line("stripe", SettlementEntryType.Payment, "ch_3OqR2", "ch_3OqR2", "KM202611180000022", 10.00m, Beijing(11, 18, 9, 5), "USD", 0.59m),
            payment,
        ]);
        await ImportSettlementAsync(runId, "20881234567890120156_20261118.csv", "alipay",
        [
            Line("alipay", SettlementEntryType.Payment, "2026111822001", "2026111822001", "KM202611180000023", 100.00m, Beijing(11, 18, 10, 0), fee: 0.60m),
            Line("alipay", SettlementEntryType.Refund, "2026111822001", "2026111822001_R1", "KM202611180000023", 20.00m, Beijing(11, 18, 11, 0), fee: -0.12m),
        ]);
        (await Database.QueryAsync<(string, bool?)>("SELECT provider, copies_within FROM imported_file ORDER BY provider"))
            .Should().Equal(("alipay", false), ("stripe", true));

        (await Reports.SettlementTotalsAsync(WindowFor(Day), Ct)).Should().Equal(
            new SettlementTotalsRow("alipay", "CNY", 1, 100.00m, 1, 20.00m, 0, 0m, 0.48m),
            new SettlementTotalsRow("stripe", "USD", 2, 50.00m, 0, 0m, 0, 0m, 2.05m));
    }

    [Fact]
    public async Task SettlementTotalsAsync_ReadsTheStoredFiguresBack_UntilAFileIsImportedOrTheBoundsMove()
    {
        var runId = await CreateRunAsync();
        await ImportSettlementAsync(runId, "wechat_bill_ALL_20261118.csv", "wechat",
        [
            Line("wechat", SettlementEntryType.Payment, "4200002345202611181234567890", "4200002345202611181234567890", "KM202611180000013", 648.00m, Beijing(11, 18, 9, 30), fee: 3.89m),
        ]);
        (await Reports.SettlementTotalsAsync(WindowFor(Day), Ct)).Should().Equal(new SettlementTotalsRow("wechat", "CNY", 1, 648.00m, 0, 0m, 0, 0m, 3.89m));

        // Nothing new imported: the figures are read back, not counted again (altered here to tell the two apart).
        await Database.ExecuteAsync("UPDATE settlement_totals_cache SET totals = jsonb_set(totals, '{0,Payments}', '7')");
        (await Reports.SettlementTotalsAsync(WindowFor(Day), Ct)).Single().Payments.Should().Be(7);

        // The same date with other bounds (another time zone's day) is counted again.
        var shifted = WindowFor(Day) with { DayStart = WindowFor(Day).DayStart.AddHours(-1) };
        (await Reports.SettlementTotalsAsync(shifted, Ct)).Single().Payments.Should().Be(1);

        await Database.ExecuteAsync("UPDATE settlement_totals_cache SET totals = jsonb_set(totals, '{0,Payments}', '7')");
        await ImportSettlementAsync(runId, "wechat_bill_ALL_20261118 (2).csv", "wechat",
        [
            Line("wechat", SettlementEntryType.Payment, "4200002345202611181234567891", "4200002345202611181234567891", "KM202611180000014", 30.00m, Beijing(11, 18, 9, 31), fee: 0.18m),
        ]);
        (await Reports.SettlementTotalsAsync(WindowFor(Day), Ct)).Should().Equal(new SettlementTotalsRow("wechat", "CNY", 2, 678.00m, 0, 0m, 0, 0m, 4.07m));
    }

    [Fact]
    public async Task VendorTotalsAsync_SumsEachDistinctEventOfTheDaysOrders_WhenEventsRepeatAcrossFiles()
    {
        var runId = await CreateRunAsync();
        await ImportOrdersAsync(runId, "orders_20261118.csv",
            Order("KM202611180000013", Beijing(11, 18, 9, 30)),
            Order("KM202611180000014", Beijing(11, 18, 9, 31), 1296.00m, quantity: 2),
            Order("KM202611170000099", Beijing(11, 17, 23, 0)));
        var delivered = Delivery("fulu", "FL20261118093500001", "KM202611180000013", DeliveryStatus.Success, cost: 640.00m);
        await ImportDeliveriesAsync(runId, "fulu_orders_20261118.jsonl",
            delivered,
            Delivery("fulu", "FL20261118094000002", "KM202611180000014", DeliveryStatus.Processing, cost: null),
            Delivery("fulu", "FL20261117230500009", "KM202611170000099", DeliveryStatus.Success, cost: 640.00m));
        await ImportDeliveriesAsync(runId, "fulu_orders_20261118_full.jsonl", delivered);
        await ImportDeliveriesAsync(runId, "carrier_delivery_20261118.csv",
            Delivery("cmcc", "V9001", "KM202611180000014", DeliveryStatus.Failed, cost: 1280.00m),
            Delivery("cmcc", "V9002", "KM202611180000014", DeliveryStatus.Success, quantity: 2, cost: 1280.00m));

        var totals = await Reports.VendorTotalsAsync(WindowFor(Day), Ct);

        totals.Should().Equal(
            new VendorTotalsRow("cmcc", 2, 2, 1, 0, 1280.00m),
            new VendorTotalsRow("fulu", 2, 1, 0, 1, 640.00m));
    }

    [Fact]
    public async Task RunQuarantineAsync_ReturnsTotalAndAtMostLimitRows_WhenRunImportedFilesWithBadLines()
    {
        var runId = await CreateRunAsync();
        var carrier = Identity("carrier_delivery_20261118.csv", "vendor-csv", EvidenceKind.Delivery);
        var fulu = Identity("fulu_orders_20261118.jsonl", "fulu-jsonl", EvidenceKind.Delivery);
        await Runs.RecordFileAsync(runId, 1, carrier.SourceName, carrier.Sha256,
            await ImportWithQuarantineAsync(runId, carrier, 1, "cmcc,V9101", "cmcc,V9102"), Ct);
        await Runs.RecordFileAsync(runId, 2, fulu.SourceName, fulu.Sha256,
            await ImportWithQuarantineAsync(runId, fulu, 2, "{\"order_id\":"), Ct);
        var otherRun = await CreateRunAsync();
        var other = Identity("carrier_delivery_20261117.csv", "vendor-csv", EvidenceKind.Delivery);
        await Runs.RecordFileAsync(otherRun, 1, other.SourceName, other.Sha256,
            await ImportWithQuarantineAsync(otherRun, other, 0, "cmcc,V9001"), Ct);

        var (rows, total) = await Reports.RunQuarantineAsync(runId, 2, Ct);

        total.Should().Be(3);
        rows.Select(r => (r.SourceName, r.LineNo, r.RawText)).Should().Equal(
            ("carrier_delivery_20261118.csv", 3L, "cmcc,V9101"),
            ("carrier_delivery_20261118.csv", 4L, "cmcc,V9102"));
    }

    [Fact]
    public async Task QuarantineAsync_ReturnsOnlyThatFilesLines_WhenFilteredByNameFragment()
    {
        var runId = await CreateRunAsync();
        await ImportWithQuarantineAsync(runId, Identity("carrier_delivery_20261118.csv", "vendor-csv", EvidenceKind.Delivery), 0, "cmcc,V9101");
        await ImportWithQuarantineAsync(runId, Identity("fulu_orders_20261118.jsonl", "fulu-jsonl", EvidenceKind.Delivery), 0, "{\"order_id\":", "{");

        var rows = await Reports.QuarantineAsync("FULU_orders", null, 10, Ct);

        rows.Should().HaveCount(2).And.OnlyContain(r => r.SourceName == "fulu_orders_20261118.jsonl");
        rows.Select(r => r.LineNo).Should().Equal(2L, 3L);
        (await Reports.QuarantineAsync(null, null, 10, Ct)).Should().HaveCount(3);
    }

    [Fact]
    public async Task ReadRunFindings_ReadsEveryColumnAsStored_AndLeavesTheSortColumnsOut()
    {
        // The reader reads by column name (the query leads with the columns it sorts by): each column once with every
        // value set, amounts with their scale, and once with every column that may be empty left empty.
        var runId = await CreateRunAsync();
        await using (var insert = Database.DataSource.CreateCommand(
            """
            INSERT INTO run_finding (run_id, finding_id, change, kind, business_date, order_no, provider, provider_txn_id, vendor,
                                     expected_amount, charged_amount, delivered_quantity, ordered_quantity, currency,
                                     compensation_action, compensation_amount, detail)
            VALUES ($1, 'full', 'new', 'partially_delivered', DATE '2026-11-18', 'KM7', 'alipay', 'T7', 'fulu',
                    30.000, 29.5, 1, 3, 'CNY', 'refund', 19.67, 'delivered 1 of 3'),
                   ($1, 'empty', 'open', 'orphan_charge', DATE '2026-11-17', NULL, NULL, NULL, NULL,
                    NULL, NULL, NULL, NULL, NULL, 'manual_review', NULL, '')
            """))
        {
            insert.Parameters.AddWithValue(runId);
            await insert.ExecuteNonQueryAsync(Ct);
        }

        RunFindingRow[] expected =
        [
            new("full", "partially_delivered", new DateTime(2026, 11, 18), "KM7", "alipay", "T7", "fulu", 30.000m, 29.5m, 1, 3, "CNY",
                "refund", 19.67m, "delivered 1 of 3", "new"),
            new("empty", "orphan_charge", new DateTime(2026, 11, 17), null, null, null, null, null, null, null, null, null,
                "manual_review", null, "", "open"),
        ];
        foreach (var largestAmountFirst in new[] { false, true })
        {
            var rows = Reports.ReadRunFindings(runId, resolved: false, largestAmountFirst).ToList();
            rows.Should().Equal(largestAmountFirst ? expected : [expected[1], expected[0]]);
            rows[0].BusinessDate.Kind.Should().Be(DateTimeKind.Unspecified);
            rows.Single(r => r.FindingId == "full").ExpectedAmount!.Value.Scale.Should().Be(3, "30.000 keeps its scale");
        }
    }

    [Fact]
    public async Task OpenRunFindingsAsync_SortsInTheSortMemory_AndLeavesTheConnectionsSettingsAsTheyWere()
    {
        // The run's findings sort faster in cache-sized runs than in one quicksort in the server's work_mem (ReportStore):
        // the read sets its own, for its transaction only.
        var runId = await CreateRunAsync();
        await using (var insert = Database.DataSource.CreateCommand(
            """
            INSERT INTO run_finding (run_id, finding_id, change, kind, business_date, order_no, compensation_action, detail)
            SELECT $1, 'f' || i, 'new', 'pending', DATE '2026-11-18', 'KM' || i, 'none', '' FROM generate_series(1, 3) i
            """))
        {
            insert.Parameters.AddWithValue(runId);
            await insert.ExecuteNonQueryAsync(Ct);
        }

        string serverDefault;
        await using (var show = Database.DataSource.CreateCommand("SHOW work_mem"))
        {
            serverDefault = (string)(await show.ExecuteScalarAsync(Ct))!;
        }

        serverDefault.Should().NotBe("8MB", "this test needs a server whose own work_mem differs (scripts/db.sh: 64MB)");
        foreach (var largestAmountFirst in new[] { false, true })
        {
            await using (var read = await Reports.OpenRunFindingsAsync(runId, resolved: false, largestAmountFirst, Ct))
            {
                read.Rows().Select(r => r.FindingId).Should().Equal(["f1", "f2", "f3"]);
                read.Setting("work_mem").Should().Be("8MB");
            }

            await using var again = Database.DataSource.CreateCommand("SHOW work_mem");
            (await again.ExecuteScalarAsync(Ct)).Should().Be(serverDefault, "the setting ends with the read's transaction");
        }
    }

    [Fact]
    public async Task ReadRunFindings_StreamsEachOrderAsTheReportListsIt_AndTheReadSentAheadReturnsTheSameRows()
    {
        var runId = await CreateRunAsync();
        // Ties on amount and on order number, findings without an amount or an order (orphans), and resolved ones.
        (string Id, string Kind, string? Order, string? Txn, decimal? Charged, decimal? Compensation, string Change)[] rows =
        [
            ("f1", "duplicate_charge", "KM3", "T3", 20.00m, 10.00m, "new"),
            ("f2", "charged_not_delivered", "KM3", "T3", 20.00m, 20.00m, "open"),
            ("f3", "amount_mismatch", "KM1", "T1", 20.00m, null, "open"),
            ("f4", "orphan_charge", null, "T0", 5.00m, null, "new"),
            ("f5", "delivered_not_charged", "KM2", null, null, null, "new"),
            ("f6", "pending", "KM4", "T4", 20.0m, null, "open"),
            ("f7", "charged_not_delivered", "KM0", "T9", 99.00m, 99.00m, "resolved"),
            ("f8", "pending", "KM5", "T5", 1.00m, null, "resolved"),
        ];
        foreach (var r in rows)
        {
            await using var insert = Database.DataSource.CreateCommand(
                """
                INSERT INTO run_finding (run_id, finding_id, change, kind, business_date, order_no, provider_txn_id, charged_amount,
                                         compensation_action, compensation_amount, currency, detail)
                VALUES ($1, $2, $3, $4, DATE '2026-11-18', $5, $6, $7, $8, $9, 'CNY', 'detail of ' || $2)
                """);
            insert.Parameters.AddWithValue(runId);
            insert.Parameters.AddWithValue(r.Id);
            insert.Parameters.AddWithValue(r.Change);
            insert.Parameters.AddWithValue(r.Kind);
            insert.Parameters.AddWithValue((object?)r.Order ?? DBNull.Value);
            insert.Parameters.AddWithValue((object?)r.Txn ?? DBNull.Value);
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)r.Charged ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Numeric });
            insert.Parameters.AddWithValue(r.Compensation is null ? "manual_review" : "refund");
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)r.Compensation ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Numeric });
            await insert.ExecuteNonQueryAsync(Ct);
        }

        Reports.ReadRunFindings(runId, resolved: false, largestAmountFirst: false).Select(f => f.FindingId).Should()
            .Equal(["f3", "f5", "f2", "f1", "f6", "f4"], "order number (else txn id), then kind, then id: KM1 < KM2 < KM3 < KM4 < T0");
        Reports.ReadRunFindings(runId, resolved: false, largestAmountFirst: true).Select(f => f.FindingId).Should()
            .Equal(["f3", "f2", "f6", "f1", "f4", "f5"], "compensation else charged, largest first and unknown last; ties by order number and kind");
        Reports.ReadRunFindings(runId, resolved: true, largestAmountFirst: true).Select(f => f.FindingId).Should().Equal(["f7", "f8"]);

        await using (var ahead = await Reports.OpenRunFindingsAsync(runId, resolved: false, largestAmountFirst: true, Ct))
        {
            ahead.Rows().Should().BeEquivalentTo(
                Reports.ReadRunFindings(runId, resolved: false, largestAmountFirst: true), o => o.WithStrictOrdering());
        }

        var counts = await Reports.RunFindingCountsAsync(runId, Ct);
        counts.Should().Be(new ReportFindingCounts(New: 3, Open: 3, Pending: 1, Resolved: 2, ResolvedPending: 1));
        var kinds = await Reports.RunKindTotalsAsync(runId, Ct);
        kinds.Should().HaveCount(6).And.NotContain(k => k.Kind == "charged_not_delivered" && k.Count != 1);
        kinds.Single(k => k.Kind == "duplicate_charge").Should().Be(new RunKindTotalsRow("duplicate_charge", "CNY", 1, 20.00m, 1, 10.00m, 1));
        kinds.Single(k => k.Kind == "delivered_not_charged").Should().Be(new RunKindTotalsRow("delivered_not_charged", "CNY", 1, 0m, 0, 0m, 0));
        kinds.Single(k => k.Kind == "amount_mismatch").Should().Be(new RunKindTotalsRow("amount_mismatch", "CNY", 1, 20.00m, 1, 0m, 0));
    }
}
