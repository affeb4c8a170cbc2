using System.Globalization;
using Dapper;
using Npgsql;
using Reconciler.Core.Evidence;
using Reconciler.Core.Matching;
using Reconciler.Storage.Incidents;
using Reconciler.Storage.Reconciliation;
using Reconciler.Storage.Reporting;
using Reconciler.Storage.Tests.Support;
using static Reconciler.Storage.Tests.Support.Evidence;

namespace Reconciler.Storage.Tests.Reconciliation;

/// <summary>
/// The streamed evidence merge against the set-based query it replaced (<see cref="ReferenceEvidenceSql"/>), on random
/// days full of what makes evidence hard: copies of a provider line in several files (with differing values), copies
/// naming different orders, refunds that name only the payment, chargebacks and reversals, batch parts alike in one
/// file, the same event in two files, wrong accounts with stray blanks, vendor orders still processing, lines of
/// orders outside the date or unknown, and order numbers whose code point order is not their UTF-16 order.
/// </summary>
public sealed class EvidenceMergeEquivalenceTests : DatabaseTest
{
    /// <summary>
    /// Each day read both ways a full look can (<see cref="ReconciliationStore.ReadByRange"/>): the date's evidence by
    /// its order-number range alone, passing over the rows of the orders in it that are not in scope (an order of the day
    /// before, an unknown order number, both with copies of the day's lines), and joined with the date's orders. Odd
    /// seeds sort the streams in the column's own order (the test database compares bytewise, so the order-number
    /// indexes can serve it), even seeds spell it <c>COLLATE "C"</c>, as any other database does
    /// (<see cref="ReconciliationStore.SpellCodePointOrder"/>).
    /// </summary>
    [Theory]
    [InlineData(1, true)]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    [InlineData(4, false)]
    [InlineData(5, true)]
    [InlineData(5, false)]
    [InlineData(6, true)]
    [InlineData(6, false)]
    public Task ReadOrderEvidenceAsync_EqualsTheSetBasedQuery_OnARandomDay(int seed, bool byRange) =>
        MergeShouldEqualTheSetBasedQueryAsync(seed, byRange, oneFilePerProvider: false);

    /// <summary>
    /// As above with each provider's lines in one file: every copy of a provider line is then a copy within its file,
    /// which the read by range finds only because the import marked the file (<c>imported_file.copies_within</c>).
    /// </summary>
    [Theory]
    [InlineData(7, true)]
    [InlineData(8, true)]
    [InlineData(9, false)]
    public Task ReadOrderEvidenceAsync_EqualsTheSetBasedQuery_WhenEachProviderSendsOneFile(int seed, bool byRange) =>
        MergeShouldEqualTheSetBasedQueryAsync(seed, byRange, oneFilePerProvider: true);

    /// <summary>
    /// As above with the file that holds copies within itself imported before migration 0032: it kept no pairs or prefixes,
    /// so its pairs are not found from the files (<c>imported_file.line_pairs</c>), and the read by range must look for
    /// them in the date's lines as it did before. Odd seeds only: a database that compares bytewise is where the pairs
    /// are found from the files.
    /// </summary>
    [Theory]
    [InlineData(7)]
    [InlineData(11)]
    public Task ReadOrderEvidenceAsync_EqualsTheSetBasedQuery_WhenAFileImportedBeforeTheLinePairsHoldsCopies(int seed) =>
        MergeShouldEqualTheSetBasedQueryAsync(seed, byRange: true, oneFilePerProvider: true, oneFileKeptNoPairs: true);

    private async Task MergeShouldEqualTheSetBasedQueryAsync(int seed, bool byRange, bool oneFilePerProvider, bool oneFileKeptNoPairs = false)
    {
        var random = new Random(seed);
        var runId = await CreateRunAsync();
        var day = RandomDay(random);
        if (oneFilePerProvider)
        {
            day = day with
            {
                SettlementFiles = [.. day.SettlementFiles.GroupBy(f => f.Provider).Select(g => new SettlementFile(g.Key, [.. g.SelectMany(f => f.Lines)]))],
            };
        }

        await ImportOrdersAsync(runId, "orders.csv", day.Orders.ToArray());
        await ImportFilesAsync(runId, day);
        if (oneFilePerProvider)
        {
            // The random day copies lines within the file: what the read by range must not miss.
            (await Database.QueryAsync<bool?>("SELECT copies_within FROM imported_file WHERE kind = 'settlement'"))
                .Should().HaveCount(3).And.Contain(true);
        }

        if (oneFileKeptNoPairs)
        {
            (await Database.ExecuteAsync(
                    "UPDATE imported_file SET line_pairs = NULL, line_order_prefixes = NULL " +
                    "WHERE file_id = (SELECT min(file_id) FROM imported_file WHERE kind = 'settlement' AND copies_within)"))
                .Should().Be(1);
        }

        var missing = new HashSet<string>(StringComparer.Ordinal) { "stripe" };
        using var tally = new EvidenceTally();
        var merged = new List<OrderEvidence>();
        await foreach (var order in new ReconciliationStore(Database.DataSource) { ReadByRange = byRange, SpellCodePointOrder = seed % 2 == 0 }.ReadOrderEvidenceAsync(WindowFor(Day), missing, Ct, tally))
        {
            merged.Add(order);
        }

        var reference = await ReadReferenceAsync(missing);
        merged.Select(o => o.OrderNo).Should().OnlyHaveUniqueItems();
        merged.Should().HaveCount(reference.Count).And.HaveCountGreaterThan(50);
        foreach (var order in merged)
        {
            reference.Should().ContainKey(order.OrderNo);
            order.Should().Be(reference[order.OrderNo], "order {0} (seed {1})", order.OrderNo, seed);
        }

        // The merge really saw the hard cases (a generator that stopped producing them would prove nothing).
        merged.Should().Contain(o => o.PaymentCount >= 2).And.Contain(o => o.RefundTotal > 0).And.Contain(o => o.ChargebackTotal != 0)
            .And.Contain(o => o.WrongAccountQuantity > 0).And.Contain(o => o.InFlight).And.Contain(o => o.DeliveredQuantity >= 2);

        var reports = new ReportStore(Database.DataSource);
        tally.Complete.Should().BeTrue();
        tally.Orders.Should().Equal(await reports.OrderTotalsAsync(WindowFor(Day), Ct));
        tally.Vendors.Should().Equal(await reports.VendorTotalsAsync(WindowFor(Day), Ct));
        (await reports.SettlementTotalsAsync(WindowFor(Day), Ct)).Should().Equal(await ReferenceSettlementTotalsAsync());
        await AttemptsShouldEqualTheIncidentsOwnPassAsync(runId, tally, seed);
    }

    /// <summary>
    /// The delivery attempts the merge counted for the incidents (<see cref="EvidenceTally.Attempts"/>) against the
    /// incidents' own pass over the evidence (<c>IncidentSql.Attempts</c>), each as the incidents keep them: every
    /// minute's count per vendor, every failed row, every vendor order still in flight with its least vendor.
    /// </summary>
    private async Task AttemptsShouldEqualTheIncidentsOwnPassAsync(long runId, EvidenceTally tally, int seed)
    {
        tally.Attempts.Inputs.Should().NotBeNullOrEmpty("a full look stamps what it counted");
        var incidents = new IncidentStore(Database.DataSource);
        var window = WindowFor(Day);
        // Nothing kept yet: the incidents read the attempts from the evidence.
        await incidents.ComputeAsync(runId, window, TimeSpan.FromHours(24), [], IncidentRule.Default, Ct);
        var read = await KeptAttemptsAsync();
        read.Minutes.Should().NotBeEmpty();
        read.Failures.Should().NotBeEmpty("the random day has failed deliveries (seed {0})", seed);
        read.InFlight.Should().NotBeEmpty("the random day has vendor orders still processing (seed {0})", seed);

        await using (var grouping = await incidents.PrepareAsync(runId, window, TimeSpan.FromHours(24), [], IncidentRule.Default, Ct, tally.Attempts))
        {
            await grouping.CompleteAsync(Ct);
        }

        var counted = await KeptAttemptsAsync();
        counted.Minutes.Should().Equal(read.Minutes, "seed {0}", seed);
        counted.Failures.Should().Equal(read.Failures, "seed {0}", seed);
        counted.InFlight.Should().Equal(read.InFlight, "seed {0}", seed);
        counted.Stamp.Should().Be(read.Stamp);
    }

    private async Task<(List<string> Minutes, List<string> Failures, List<string> InFlight, string Stamp)> KeptAttemptsAsync()
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync(Ct);
        async Task<List<string>> Rows(string row, string table) => (await connection.QueryAsync<string>(
            $"SELECT r FROM (SELECT concat_ws('|', {row}) AS r FROM {table} WHERE business_date = @date) k ORDER BY r COLLATE \"C\"",
            new { date = Day })).ToList();
        return (
            await Rows("vendor, minute, attempts", "incident_minute_cache"),
            await Rows("vendor, at, order_no", "incident_failure_cache"),
            await Rows("order_no, vendor", "incident_in_flight_cache"),
            await connection.QuerySingleAsync<string>("SELECT inputs || '/' || bounds FROM incident_attempts_stamp WHERE business_date = @date", new { date = Day }));
    }

    /// <summary>
    /// The orders carried over from earlier dates (an open finding) are read through an array and the date's evidence
    /// through its least and greatest order number: carried-over orders numbered below, inside and above the date's
    /// range, with a refund naming only the payment, a copy of a date order's payment naming a carried-over order, and
    /// an order of an earlier date with no open finding (out of scope) numbered inside the range. The two parts of each
    /// stream in the column's own order (odd seeds) or spelt <c>COLLATE "C"</c> (even), as above. Read by range, the
    /// carried-over orders are streams of their own beside the date's; without one numbered inside the date's range
    /// (<paramref name="oneInside"/> false, an odd seed) the date's streams test none of their rows against them.
    /// </summary>
    [Theory]
    [InlineData(11, true, true)]
    [InlineData(11, false, true)]
    [InlineData(12, true, true)]
    [InlineData(12, false, true)]
    [InlineData(13, true, true)]
    [InlineData(13, false, true)]
    [InlineData(15, true, false)]
    [InlineData(17, true, false)]
    [InlineData(17, false, false)]
    public async Task ReadOrderEvidenceAsync_EqualsTheSetBasedQuery_WithOrdersCarriedOverFromEarlierDates(int seed, bool byRange, bool oneInside)
    {
        var random = new Random(seed);
        var runId = await CreateRunAsync();
        var day = RandomDay(random);
        var below = Order("KA-carried-1", Beijing(11, 16, 9, 0), amount: 30m, payChannel: "wechat");
        // Numbered inside the date's range, or (oneInside false) below it, as order numbers that grow with time are.
        var inside = Order(oneInside ? "KM20261117000002" : "KB-carried-2", Beijing(11, 17, 13, 0), amount: 40m, payChannel: "alipay");
        var above = Order("zz-carried-3", Beijing(11, 17, 20, 0), amount: 50m, payChannel: "wechat");
        var closed = Order("KM20261117000003", Beijing(11, 17, 14, 0), amount: 60m, payChannel: "wechat");
        await ImportOrdersAsync(runId, "orders.csv", [.. day.Orders, below, inside, above, closed]);
        var dateOrder = day.Orders.First(o => o.CreatedAt >= Beijing(11, 18, 0, 0) && o.PayChannel == "wechat");
        var dateLine = Payment("wechat", "T-SHARED", dateOrder.OrderNo, dateOrder.Amount, dateOrder.CreatedAt.AddMinutes(1));
        day.SettlementFiles[0].Lines.AddRange(
        [
            Payment("wechat", "T-BELOW", below.OrderNo, 30m, below.CreatedAt.AddMinutes(2)),
            Line("wechat", SettlementEntryType.Refund, "T-BELOW", "R-BELOW", null, 10m, below.CreatedAt.AddDays(2)),
            Payment("wechat", "T-ABOVE", above.OrderNo, 50m, above.CreatedAt.AddMinutes(2)),
            Payment("wechat", "T-ABOVE-2", above.OrderNo, 50m, above.CreatedAt.AddMinutes(3)),
            Payment("wechat", "T-CLOSED", closed.OrderNo, 60m, closed.CreatedAt.AddMinutes(2)),
            dateLine,
        ]);
        day.SettlementFiles[1].Lines.Add(dateLine with { OrderNo = above.OrderNo });
        var alipay = day.SettlementFiles.First(f => f.Provider == "alipay");
        alipay.Lines.Add(Payment("alipay", "T-INSIDE", inside.OrderNo, 41m, inside.CreatedAt.AddMinutes(2)));
        day.DeliveryFiles[0].Add(Delivery("fulu", "V-INSIDE", inside.OrderNo, DeliveryStatus.Success, inside.TargetAccount, inside.Quantity, inside.CreatedAt.AddMinutes(5)));
        day.DeliveryFiles[1].Add(Delivery("fulu", "V-ABOVE", above.OrderNo, DeliveryStatus.Processing, above.TargetAccount, above.Quantity));
        day.DeliveryFiles[1].Add(Delivery("fulu", "V-CLOSED", closed.OrderNo, DeliveryStatus.Success, closed.TargetAccount, closed.Quantity, closed.CreatedAt.AddMinutes(5)));
        await ImportFilesAsync(runId, day);

        // Open findings of earlier dates (one order has two), a resolved one, an orphan's (never carried as an order), and
        // one on an order of the date (an earlier export dated it the day before): that order is the date's, not carried.
        var movedOrder = day.Orders.Where(o => o.CreatedAt >= Beijing(11, 18, 0, 0) && o.CreatedAt < Beijing(11, 19, 0, 0)).OrderBy(o => o.OrderNo, StringComparer.Ordinal).Skip(1).First();
        await using (var connection = await Database.DataSource.OpenConnectionAsync(Ct))
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO finding (finding_id, kind, business_date, order_no, compensation_action, detail, status, first_run_id, last_run_id)
                VALUES ('f-below', 'charged_not_delivered', '2026-11-16', 'KA-carried-1', 'refund', '', 'open', @runId, @runId),
                       ('f-moved', 'amount_mismatch', '2026-11-17', @moved, 'none', '', 'open', @runId, @runId),
                       ('f-inside', 'amount_mismatch', '2026-11-17', @inside, 'none', '', 'open', @runId, @runId),
                       ('f-above', 'duplicate_charge', '2026-11-17', 'zz-carried-3', 'refund', '', 'open', @runId, @runId),
                       ('f-above-2', 'pending', '2026-11-17', 'zz-carried-3', 'none', '', 'open', @runId, @runId),
                       ('f-closed', 'charged_not_delivered', '2026-11-17', 'KM20261117000003', 'refund', '', 'resolved', @runId, @runId),
                       ('f-orphan', 'orphan_charge', '2026-11-17', 'KM20261117000001', 'none', '', 'open', @runId, @runId)
                """, new { runId, inside = inside.OrderNo, moved = movedOrder.OrderNo });
        }

        var missing = new HashSet<string>(StringComparer.Ordinal);
        var merged = new List<OrderEvidence>();
        using var tally = new EvidenceTally();
        await foreach (var order in new ReconciliationStore(Database.DataSource) { ReadByRange = byRange, SpellCodePointOrder = seed % 2 == 0 }.ReadOrderEvidenceAsync(WindowFor(Day), missing, Ct, tally))
        {
            merged.Add(order);
        }

        var reference = await ReadReferenceAsync(missing);
        merged.Select(o => o.OrderNo).Should().OnlyHaveUniqueItems();
        merged.Should().HaveCount(reference.Count);
        foreach (var order in merged)
        {
            reference.Should().ContainKey(order.OrderNo);
            order.Should().Be(reference[order.OrderNo], "order {0} (seed {1})", order.OrderNo, seed);
        }

        merged.Select(o => o.OrderNo).Should().Contain([below.OrderNo, inside.OrderNo, above.OrderNo])
            .And.NotContain([closed.OrderNo, "KM20261117000001"]);
        merged.Single(o => o.OrderNo == below.OrderNo).RefundTotal.Should().Be(10m, "the refund names only the payment");
        merged.Single(o => o.OrderNo == above.OrderNo).InFlight.Should().BeTrue();
        var shared = string.CompareOrdinal(dateOrder.OrderNo, above.OrderNo) < 0 ? dateOrder.OrderNo : above.OrderNo;
        merged.Single(o => o.OrderNo == shared).ProviderTxnId.Should().Contain("T-SHARED", "a line named by two orders counts for the first");
        merged.Single(o => o.OrderNo == (shared == above.OrderNo ? dateOrder.OrderNo : above.OrderNo)).ProviderTxnId
            .Should().NotContain("T-SHARED");
        // The carried-over orders' delivery rows (one in flight, one inside the date's range) are no attempts of the date.
        await AttemptsShouldEqualTheIncidentsOwnPassAsync(runId, tally, seed);
    }

    /// <summary>
    /// A full look reads the date's evidence by its order-number range only where PostgreSQL expects that range to hold
    /// about the date's orders: with numbers that grow with time, yes; with numbers that do not (the day before's orders
    /// numbered all through the date's range), the range would read every date's rows, so each stream is joined with
    /// the date's orders. The evidence is the set-based query's either way.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadOrderEvidenceAsync_ReadsByRange_OnlyWhenOrderNumbersGrowWithTime(bool growing)
    {
        var random = new Random(21);
        var runId = await CreateRunAsync();
        var orders = new List<OrderRecord>();
        var payments = new List<SettlementRecord>();
        var deliveries = new List<DeliveryRecord>();
        for (var i = 0; i < 4000; i++)
        {
            var dayBefore = i % 2 == 0;
            var serial = random.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture) + i.ToString(CultureInfo.InvariantCulture);
            var orderNo = growing ? (dayBefore ? "KM20261117" : "KM20261118") + serial : "KM" + serial;
            var order = Order(orderNo, dayBefore ? Beijing(11, 17, i % 24, i % 60) : Beijing(11, 18, i % 24, i % 60), amount: 10m + (i % 7));
            orders.Add(order);
            payments.Add(Payment(order.PayChannel, "T" + i.ToString(CultureInfo.InvariantCulture), orderNo, order.Amount, order.CreatedAt.AddMinutes(1)));
            deliveries.Add(Delivery("fulu", "V" + i.ToString(CultureInfo.InvariantCulture), orderNo, DeliveryStatus.Success, order.TargetAccount, order.Quantity, order.CreatedAt.AddMinutes(2)));
        }

        await ImportOrdersAsync(runId, "orders.csv", [.. orders]);
        await ImportSettlementAsync(runId, "bill.csv", orders[0].PayChannel, payments);
        await ImportDeliveriesAsync(runId, "vendor.csv", [.. deliveries]);
        await using (var connection = await Database.DataSource.OpenConnectionAsync(Ct))
        {
            await connection.ExecuteAsync("ANALYZE platform_order; ANALYZE settlement_line; ANALYZE delivery_event");
        }

        var missing = new HashSet<string>(StringComparer.Ordinal);
        var store = new ReconciliationStore(Database.DataSource);
        var merged = new List<OrderEvidence>();
        await foreach (var order in store.ReadOrderEvidenceAsync(WindowFor(Day), missing, Ct))
        {
            merged.Add(order);
        }

        store.ReadLastByRange.Should().Be(growing);
        var reference = await ReadReferenceAsync(missing);
        merged.Should().HaveCount(2000).And.HaveCount(reference.Count);
        foreach (var order in merged)
        {
            order.Should().Be(reference[order.OrderNo]);
        }

        merged.Should().OnlyContain(o => o.PaymentCount == 1 && o.DeliveredQuantity == o.Quantity);
    }

    [Fact]
    public async Task ReadOrderEvidenceAsync_LooksAgainOnlyAtOrdersThatCouldBreak_UntilAFileChangesTheEvidence()
    {
        var random = new Random(7);
        var runId = await CreateRunAsync();
        var day = RandomDay(random);
        await ImportOrdersAsync(runId, "orders.csv", day.Orders.ToArray());
        await ImportSettlementAsync(runId, "bill_0.csv", "wechat", day.SettlementFiles[0].Lines);
        await ImportDeliveriesAsync(runId, "vendor_0.csv", day.DeliveryFiles[0].ToArray());
        var rules = new MatchingRules(new MatchingPolicy());
        var missing = new HashSet<string>(StringComparer.Ordinal);

        var (first, firstWatch, firstTally) = await ReadWatchedAsync(rules, "policy", missing);
        firstWatch.WatchedSince.Should().BeNull("nothing was stamped before");
        var couldBreak = first.Where(o => !rules.CannotBreak(o)).ToList();
        couldBreak.Should().NotBeEmpty().And.HaveCountLessThan(first.Count, "some orders are clean");
        firstWatch.Orders.Should().Be(first.Count);
        firstWatch.Watched.Should().Be(couldBreak.Count);

        // Nothing new: only the orders that could break, with the same evidence, and the date's totals as counted.
        var (second, secondWatch, secondTally) = await ReadWatchedAsync(rules, "policy", missing);
        secondWatch.WatchedSince.Should().Be(firstWatch.RunId);
        secondWatch.EvidenceKept.Should().BeTrue("nothing is carried over, so the evidence the first look kept is read back");
        second.Should().BeEquivalentTo(couldBreak, o => o.ComparingByMembers<OrderEvidence>().Using<decimal>(
            c => c.Subject.ToString(CultureInfo.InvariantCulture).Should().Be(c.Expectation.ToString(CultureInfo.InvariantCulture))).WhenTypeIs<decimal>()
            .Excluding(e => e.NetCharged), "read back as it was folded, every amount with its scale");
        secondTally.Orders.Should().Equal(firstTally.Orders);
        secondTally.Vendors.Should().Equal(firstTally.Vendors);

        // Whether a provider's settlement is missing is the run's to say, not the kept evidence's.
        couldBreak.Should().Contain(o => o.PayChannel == "wechat").And.Contain(o => o.PayChannel != "wechat");
        var (flagged, flaggedWatch, _) = await ReadWatchedAsync(rules, "policy", new HashSet<string>(["wechat"], StringComparer.Ordinal));
        flaggedWatch.EvidenceKept.Should().BeTrue();
        flagged.Should().BeEquivalentTo(couldBreak.Select(o => o with { SettlementMissing = o.PayChannel == "wechat" }));

        // An order carried over from an earlier date: the watched orders are read and folded again beside it.
        await using (var connection = await Database.DataSource.OpenConnectionAsync(Ct))
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO finding (finding_id, kind, business_date, order_no, compensation_action, detail, status, first_run_id, last_run_id)
                VALUES ('f-carried', 'amount_mismatch', '2026-11-17', 'KM20261117000009', 'none', '', 'open', @runId, @runId)
                """, new { runId });
        }

        var (carried, carriedWatch, _) = await ReadWatchedAsync(rules, "policy", missing);
        carriedWatch.WatchedSince.Should().Be(firstWatch.RunId);
        carriedWatch.EvidenceKept.Should().BeFalse();
        carried.Should().BeEquivalentTo(couldBreak);
        await using (var connection = await Database.DataSource.OpenConnectionAsync(Ct))
        {
            await connection.ExecuteAsync("UPDATE finding SET status = 'resolved' WHERE finding_id = 'f-carried'");
        }

        // Another policy (a tolerance, a time zone) looks at everything again.
        var (other, otherWatch, _) = await ReadWatchedAsync(rules, "another policy", missing);
        otherWatch.WatchedSince.Should().BeNull();
        other.Should().HaveCount(first.Count);

        // A new file (it pays an order that could break, and delivers another) is a new look at every order.
        var unpaid = couldBreak.First(o => o.PaymentCount == 0);
        await ImportSettlementAsync(runId, "bill_late.csv", "wechat",
            [Payment("wechat", "T-LATE", unpaid.OrderNo, unpaid.Amount, unpaid.CreatedAt.AddMinutes(1))]);
        var (third, thirdWatch, _) = await ReadWatchedAsync(rules, "another policy", missing);
        thirdWatch.WatchedSince.Should().BeNull("a file came since the last full look");
        third.Should().HaveCount(first.Count);
        third.Single(o => o.OrderNo == unpaid.OrderNo).PaymentCount.Should().Be(1);
        var (fourth, fourthWatch, _) = await ReadWatchedAsync(rules, "another policy", missing);
        fourthWatch.WatchedSince.Should().NotBeNull();
        fourth.Should().BeEquivalentTo(third.Where(o => !rules.CannotBreak(o)));
    }

    [Fact]
    public async Task ReadOrderEvidenceAsync_KeepsWatchingACleanOrder_WhoseLineACarriedOverOrderShares()
    {
        // One provider line in two files naming two orders: a clean order of the date (numbered first, so the line counts
        // for it) and an order carried over from the day before with a finding still open. A rerun over the same
        // evidence must look at both, or the carried-over order takes the line as a second payment of its own.
        var runId = await CreateRunAsync();
        var clean = Order("KM20261118000001", Beijing(11, 18, 9, 0), amount: 30m);
        var carried = Order("KZ20261117000005", Beijing(11, 17, 21, 0), amount: 50m);
        await ImportOrdersAsync(runId, "orders_20261117.csv", carried);
        await ImportOrdersAsync(runId, "orders_20261118.csv", clean);
        var line = Payment("wechat", "T-SHARED", clean.OrderNo, 30m, Beijing(11, 18, 9, 1));
        await ImportSettlementAsync(runId, "bill_a.csv", "wechat",
            [line, Payment("wechat", "T-OWN", carried.OrderNo, 50m, Beijing(11, 17, 21, 1))]);
        await ImportSettlementAsync(runId, "bill_b.csv", "wechat", [line with { OrderNo = carried.OrderNo }]);
        await ImportDeliveriesAsync(runId, "vendor.csv", Delivery("cmcc-agent", "V-CLEAN", clean.OrderNo, DeliveryStatus.Success));
        await using (var connection = await Database.DataSource.OpenConnectionAsync(Ct))
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO finding (finding_id, kind, business_date, order_no, compensation_action, detail, status, first_run_id, last_run_id)
                VALUES ('f-carried', 'charged_not_delivered', '2026-11-17', @orderNo, 'refund', '', 'open', @runId, @runId)
                """, new { runId, orderNo = carried.OrderNo });
        }

        var rules = new MatchingRules(new MatchingPolicy());
        var missing = new HashSet<string>(StringComparer.Ordinal);

        var (first, _, _) = await ReadWatchedAsync(rules, "policy", missing);
        first.Single(o => o.OrderNo == carried.OrderNo).PaymentCount.Should().Be(1, "the shared line counts for the clean order");
        rules.CannotBreak(first.Single(o => o.OrderNo == clean.OrderNo)).Should().BeTrue();
        var (again, againWatch, _) = await ReadWatchedAsync(rules, "policy", missing);

        againWatch.WatchedSince.Should().NotBeNull();
        again.Should().BeEquivalentTo(first);
    }

    /// <summary>The day's settlement and delivery files, each non-empty one imported as a file of its own.</summary>
    private async Task ImportFilesAsync(long runId, RandomEvidenceDay day)
    {
        for (var i = 0; i < day.SettlementFiles.Count; i++)
        {
            var file = day.SettlementFiles[i];
            if (file.Lines.Count > 0)
            {
                await ImportSettlementAsync(runId, string.Create(CultureInfo.InvariantCulture, $"bill_{i}.csv"), file.Provider, file.Lines);
            }
        }

        for (var i = 0; i < day.DeliveryFiles.Count; i++)
        {
            if (day.DeliveryFiles[i].Count > 0)
            {
                await ImportDeliveriesAsync(runId, string.Create(CultureInfo.InvariantCulture, $"vendor_{i}.csv"), day.DeliveryFiles[i].ToArray());
            }
        }
    }

    private async Task<(List<OrderEvidence> Orders, EvidenceWatch Watch, EvidenceTally Tally)> ReadWatchedAsync(
        MatchingRules rules, string policy, HashSet<string> missing)
    {
        var watch = new EvidenceWatch(await CreateRunAsync(), rules.CannotBreak, policy);
        using var tally = new EvidenceTally();
        var orders = new List<OrderEvidence>();
        await foreach (var order in new ReconciliationStore(Database.DataSource).ReadOrderEvidenceAsync(WindowFor(Day), missing, Ct, tally, watch))
        {
            orders.Add(order);
        }

        tally.Complete.Should().BeTrue();
        return (orders, watch, tally);
    }

    /// <summary>The date's settlement totals counted by grouping every line by its key (<see cref="ReferenceEvidenceSql.SettlementTotals"/>).</summary>
    private async Task<List<SettlementTotalsRow>> ReferenceSettlementTotalsAsync()
    {
        var window = WindowFor(Day);
        return [.. await Database.QueryAsync<SettlementTotalsRow>(ReferenceEvidenceSql.SettlementTotals,
            new { start = window.DayStart.ToUniversalTime(), end = window.DayEnd.ToUniversalTime() })];
    }

    private async Task<Dictionary<string, OrderEvidence>> ReadReferenceAsync(HashSet<string> missing)
    {
        var window = WindowFor(Day);
        await using var connection = await Database.DataSource.OpenConnectionAsync(Ct);
        await using var command = new NpgsqlCommand(ReferenceEvidenceSql.OrderEvidence, connection);
        command.Parameters.AddWithValue("start", window.DayStart.ToUniversalTime());
        command.Parameters.AddWithValue("end", window.DayEnd.ToUniversalTime());
        command.Parameters.AddWithValue("date", window.Date);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var evidence = new Dictionary<string, OrderEvidence>(StringComparer.Ordinal);
        while (await reader.ReadAsync(Ct))
        {
            var channel = reader.GetString(7);
            evidence.Add(reader.GetString(0), new OrderEvidence
            {
                OrderNo = reader.GetString(0),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(1),
                PaidAt = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                ProductType = reader.GetString(3),
                Quantity = reader.GetInt32(4),
                Amount = reader.GetDecimal(5),
                Currency = reader.GetString(6),
                PayChannel = channel,
                PaymentCount = reader.GetInt32(8),
                PaymentGross = reader.GetDecimal(9),
                RefundTotal = reader.GetDecimal(10),
                ChargebackTotal = reader.GetDecimal(11),
                FirstPaymentAt = reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
                Provider = SortedSet(reader, 13),
                ProviderTxnId = SortedSet(reader, 14),
                Vendor = SortedSet(reader, 15),
                DeliveredQuantity = reader.GetInt32(16),
                WrongAccountQuantity = reader.GetInt32(17),
                InFlight = reader.GetBoolean(18),
                SettlementMissing = missing.Contains(channel),
            });
        }

        return evidence;
    }

    private static string? SortedSet(NpgsqlDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        var items = reader.GetString(ordinal).Split(',');
        return items.Length == 1 ? items[0] : string.Join(',', items.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
    }

    private sealed record SettlementFile(string Provider, List<SettlementRecord> Lines);

    private sealed record RandomEvidenceDay(List<OrderRecord> Orders, List<SettlementFile> SettlementFiles, List<List<DeliveryRecord>> DeliveryFiles);

    private static RandomEvidenceDay RandomDay(Random random)
    {
        string[] providers = ["wechat", "alipay", "stripe"];
        string[] vendors = ["fulu", "cmcc-agent", "卡密云"];
        // Code point order differs from UTF-16 order here: U+FF10 sorts before U+1F600 (a surrogate pair) by code point.
        string[] odd = ["KM-\uFF10-1", "KM-\U0001F600-2", "KM-é-3", "KM-\uFF10\U0001F600-4", "KM-\U0001F600\uFF10-5", "km-6", "KM 7", "KM-8'; --"];
        var orders = new List<OrderRecord>();
        var count = 70 + random.Next(40);
        for (var i = 0; i < count; i++)
        {
            var orderNo = i < odd.Length ? odd[i] : string.Create(CultureInfo.InvariantCulture, $"KM2026111800{random.Next(100000, 999999)}{i}");
            var created = Beijing(11, 18, random.Next(0, 24), random.Next(0, 60));
            var quantity = random.Next(1, 4);
            orders.Add(Order(orderNo, created, amount: random.Next(1, 50) * 10m, quantity: quantity,
                payChannel: providers[random.Next(providers.Length)], targetAccount: "1380013" + random.Next(1000, 9999).ToString(CultureInfo.InvariantCulture)));
        }

        // Orders of the day before (out of scope) still get evidence lines.
        var earlier = Order("KM20261117000001", Beijing(11, 17, 12, 0));
        orders.Add(earlier);

        var files = providers.SelectMany(p => new[] { new SettlementFile(p, []), new SettlementFile(p, []) }).ToList();
        SettlementFile FileOf(string provider) => files.Where(f => f.Provider == provider).ElementAt(random.Next(2));
        var deliveryFiles = new List<List<DeliveryRecord>> { new(), new() };
        var txn = 0;
        foreach (var order in orders)
        {
            var provider = order.PayChannel;
            var payments = random.Next(10) switch { 0 => 0, < 8 => 1, 8 => 2, _ => 3 };
            for (var p = 0; p < payments; p++)
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"T{++txn:D8}");
                var gross = random.Next(5) == 0 ? order.Amount + random.Next(-3, 4) : order.Amount;
                var at = order.CreatedAt.AddMinutes(random.Next(0, 30));
                var line = Payment(provider, id, order.OrderNo, gross, at, order.Currency);
                FileOf(provider).Lines.Add(line);
                switch (random.Next(8))
                {
                    case 0:
                        // The same line in the other file of the provider.
                        files.First(f => f.Provider == provider && !f.Lines.Contains(line)).Lines.Add(line);
                        break;
                    case 1:
                        // A copy with a different amount and time (the least of each counts).
                        FileOf(provider).Lines.Add(line with { Gross = gross - 1, OccurredAt = at.AddSeconds(-5) });
                        break;
                    case 2:
                        // A copy naming another order of the day: it counts once, for the first of the two.
                        FileOf(provider).Lines.Add(line with { OrderNo = orders[random.Next(orders.Count)].OrderNo });
                        break;
                    case 3:
                        // A refund naming only the payment (no order number), in both files.
                        var refund = Line(provider, SettlementEntryType.Refund, id, "R" + id, null, Math.Min(gross, 5m), at.AddHours(1), order.Currency);
                        files.Where(f => f.Provider == provider).ToList().ForEach(f => f.Lines.Add(refund));
                        break;
                    case 4:
                        // A refund carrying its own order number (another order of the day) and the payment's id.
                        var other = orders[random.Next(orders.Count)].OrderNo;
                        FileOf(provider).Lines.Add(Line(provider, SettlementEntryType.Refund, id, "S" + id, other, 2m, at.AddHours(2), order.Currency));
                        break;
                    case 5:
                        FileOf(provider).Lines.Add(Line(provider, SettlementEntryType.Chargeback, id, "C" + id, order.OrderNo, gross, at.AddDays(1), order.Currency));
                        if (random.Next(2) == 0)
                        {
                            FileOf(provider).Lines.Add(Line(provider, SettlementEntryType.ChargebackReversal, id, "V" + id, order.OrderNo, gross, at.AddDays(2), order.Currency));
                        }

                        break;
                }
            }

            var vendor = vendors[random.Next(vendors.Length)];
            var vendorOrders = random.Next(10) switch { 0 => 0, < 8 => 1, _ => 2 };
            for (var v = 0; v < vendorOrders; v++)
            {
                var vendorOrderId = string.Create(CultureInfo.InvariantCulture, $"V{order.OrderNo.GetHashCode(StringComparison.Ordinal) & 0xffff}-{v}");
                var target = random.Next(6) switch { 0 => "13999999999", 1 => " " + order.TargetAccount + "\t", _ => order.TargetAccount };
                var file = deliveryFiles[random.Next(2)];
                var finished = order.CreatedAt.AddMinutes(random.Next(1, 90));
                switch (random.Next(7))
                {
                    case 0:
                        file.Add(Delivery(vendor, vendorOrderId, order.OrderNo, DeliveryStatus.Processing, target, order.Quantity));
                        break;
                    case 1:
                        file.Add(Delivery(vendor, vendorOrderId, order.OrderNo, DeliveryStatus.Processing, target, order.Quantity));
                        file.Add(Delivery(vendor, vendorOrderId, order.OrderNo, DeliveryStatus.Success, target, order.Quantity, finished));
                        break;
                    case 2:
                        file.Add(Delivery(vendor, vendorOrderId, order.OrderNo, DeliveryStatus.Failed, target, order.Quantity, finished));
                        break;
                    case 3:
                        // Batch parts alike in every field, in one file, and the same batch again in the other file.
                        var part = Delivery(vendor, vendorOrderId, order.OrderNo, DeliveryStatus.Success, target, 1, finished);
                        file.Add(part);
                        file.Add(part);
                        deliveryFiles[random.Next(2)].Add(part);
                        break;
                    case 4:
                        // The same event in both files, with a cost written at another scale.
                        var evt = Delivery(vendor, vendorOrderId, order.OrderNo, DeliveryStatus.Success, target, order.Quantity, finished, cost: 12.5m);
                        deliveryFiles[0].Add(evt);
                        deliveryFiles[1].Add(evt with { Cost = 12.50m });
                        break;
                    default:
                        file.Add(Delivery(vendor, vendorOrderId, order.OrderNo, DeliveryStatus.Success, target, order.Quantity, finished));
                        break;
                }
            }
        }

        // Lines naming no known order.
        files[0].Lines.Add(Payment(files[0].Provider, "T-ORPHAN", "KM-UNKNOWN", 9m, Beijing(11, 18, 8, 0)));
        deliveryFiles[0].Add(Delivery("fulu", "V-ORPHAN", "KM-UNKNOWN", DeliveryStatus.Success));
        return new RandomEvidenceDay(orders, files, deliveryFiles);
    }
}
