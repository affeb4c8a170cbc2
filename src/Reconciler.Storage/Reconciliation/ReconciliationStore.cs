using System.Data;
using System.Runtime.CompilerServices;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using Reconciler.Core.Matching;
using Reconciler.Storage.Importing;

namespace Reconciler.Storage.Reconciliation;

/// <summary>The database side of a run's matching: reads each order's evidence set-based and stores what the rules found.</summary>
public sealed partial class ReconciliationStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Streams the evidence of every order the run looks at (never all of it in memory). Three sorted streams (the
    /// orders, their money lines, their delivery rows) are read side by side on three connections sharing one snapshot
    /// and merged by order number; each order's rows are folded here (<see cref="EvidenceFold"/>). PostgreSQL sorts
    /// once per stream instead of hashing a million groups at every level of an aggregate query. When a
    /// <paramref name="tally"/> is given, the date's order and vendor totals are counted on the way. With a
    /// <paramref name="watch"/> (and a tally), a full look keeps the orders that could still break, and a look at
    /// unchanged evidence reads only those (<see cref="EvidenceWatch"/>).
    /// </summary>
    public async IAsyncEnumerable<OrderEvidence> ReadOrderEvidenceAsync(
        ReconciliationWindow window, IReadOnlySet<string> providersMissingSettlement,
        [EnumeratorCancellation] CancellationToken cancellationToken, EvidenceTally? tally = null, EvidenceWatch? watch = null)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(providersMissingSettlement);
        if (watch is not null && tally is null)
        {
            throw new ArgumentException("a watched read keeps the date's totals: give it a tally", nameof(watch));
        }

        await using var money = await OpenDaySizedAsync(snapshot: null, cancellationToken);
        string snapshot;
        await using (var export = new NpgsqlCommand("SELECT pg_export_snapshot()", money.Connection, money.Transaction))
        {
            snapshot = (string?)await export.ExecuteScalarAsync(cancellationToken) ?? throw new InvalidOperationException("PostgreSQL exported no snapshot");
        }

        // What this snapshot's evidence is made of, and whether the last full look at the date saw the same.
        string? inputs = null;
        var watched = false;
        var evidenceKept = false;
        if (tally is not null)
        {
            // Also the stamp of the delivery attempts the tally counts for the incidents.
            inputs = await ScalarAsync<string>(money, EvidenceSql.InputsStamp, window, cancellationToken);
        }

        if (watch is not null)
        {
            await using var stamp = await money.ReadAsync(
                "SELECT inputs, policy, totals::text, run_id, orders, watched, evidence_kept FROM evidence_stamp WHERE business_date = @date", window, cancellationToken);
            if (await stamp.ReadAsync(cancellationToken) && stamp.GetString(0) == inputs && stamp.GetString(1) == watch.Policy)
            {
                watched = true;
                evidenceKept = stamp.GetBoolean(6);
                tally!.Restore(stamp.GetString(2));
                watch.WatchedSince = stamp.GetInt64(3);
                watch.Orders = stamp.GetInt64(4);
                watch.Watched = stamp.GetInt64(5);
            }
        }

        // The scope's carried-over orders and the date's order-number bounds, read once for the streams.
        var scope = await ReadScopeAsync(money, watched, window, SpellCodePointOrder, cancellationToken);

        // Unchanged evidence and nothing carried over: the watched orders' evidence as the full look folded it. (With orders
        // carried over it is read again: a provider line whose copies name a carried-over order and an order of the date
        // counts for the first of the two, which only a look at both can tell.)
        if (watched && evidenceKept && scope.Carried.Length == 0)
        {
            await using (var kept = await money.ReadAsync(
                $"SELECT {WatchListWriter.Columns} FROM evidence_watch WHERE business_date = @date", window, cancellationToken))
            {
                while (await kept.ReadAsync(cancellationToken))
                {
                    yield return WatchListWriter.Read(kept, providersMissingSettlement);
                }
            }

            watch!.EvidenceKept = true;
            yield break;
        }

        // The orders and the delivery rows are read on their own connections (sharing the snapshot), in order (from their
        // indexes where the database compares bytewise, else sorted); the money lines are either staged here or (read by
        // range) read on a fourth, while their shared lines are found here (and then the refunds paired with another
        // order's payment are read here too).
        var byRange = await ReadsByRangeAsync(money, watched, scope, window, cancellationToken);
        ReadLastByRange = byRange;
        var carried = scope.Carried.Length > 0;
        // Read by range, the carried-over orders are streams of their own (their orders, their delivery rows, and their
        // money lines staged here and read with the paired refunds), merged with the date's, which then come from their
        // indexes in order: in one UNION ALL with the carried-over part each stream was a sort of the day (PostgreSQL 15
        // plans no Merge Append), and the money lines were staged whole before the merge could start (the 7th day of a
        // 300 k series: 3.6 s of staging, pairing and shared lines before the first money line, evidence 7.9 s against
        // 1.9 s on its first day). Only a carried-over order numbered inside the date's range needs leaving out of the
        // date's streams, a test of each of their rows against the array.
        var carriedInRange = carried && CarriedInRange(scope);
        // Joined (the delivery rows with the date's orders, the watched orders with the watch list) a stream may hash
        // day-sized inputs and keeps the day-sized memory; read by range, or the date's orders alone, it only sorts.
        await using var deliveries = await OpenDaySizedAsync(snapshot, cancellationToken, sortOnly: byRange);
        await using var orders = await OpenDaySizedAsync(snapshot, cancellationToken, sortOnly: !watched);
        await using var lines = byRange ? await OpenDaySizedAsync(snapshot, cancellationToken, sortOnly: true) : null;
        var carriedApart = byRange && carried;
        await using var carriedOrders = carriedApart ? await OpenDaySizedAsync(snapshot, cancellationToken, sortOnly: true, EvidenceSql.CarriedReads) : null;
        await using var carriedDeliveries = carriedApart ? await OpenDaySizedAsync(snapshot, cancellationToken, sortOnly: true, EvidenceSql.CarriedReads) : null;
        var ordersStream = orders.ReadAsync(EvidenceSql.ScopeOrders(watched, carried && !carriedApart, scope.Bytewise), window, cancellationToken, scope);
        var deliveriesStream = deliveries.ReadAsync(
            byRange ? EvidenceSql.ScopeDeliveriesByRange(carriedInRange, scope.Bytewise) : EvidenceSql.ScopeDeliveries(watched, carried, scope.Bytewise),
            window, cancellationToken, scope);
        var carriedOrdersStream = carriedOrders?.ReadAsync(EvidenceSql.CarriedOrders(scope.Bytewise), window, cancellationToken, scope);
        var carriedDeliveriesStream = carriedDeliveries?.ReadAsync(EvidenceSql.CarriedDeliveries(scope.Bytewise), window, cancellationToken, scope);
        var moneyStream = lines?.ReadAsync(EvidenceSql.ScopeMoneyLinesByRange(carriedInRange, scope.Bytewise), window, cancellationToken, scope);
        Dictionary<MoneyKey, SharedMoneyLine> shared;
        if (byRange)
        {
            // Read by range, the money lines naming their order and the refunds paired with a payment of another order
            // are two streams: PostgreSQL plans no Merge Append for their UNION ALL, so as one statement they were a sort
            // of the day. The refunds are paired once, here, for the shared lines and then for their own stream, which
            // also carries the carried-over orders' lines, staged here once, first (their payments are paired from there).
            if (carried)
            {
                // The date's refunds are paired with their payments on a connection of their own while the carried-over
                // orders' lines are staged here (their pairs need them): the two took 0.34 s and 0.39 s one after the
                // other on this connection, with the other core idle, before the merge could start (the second day of a
                // 1 M series, auto_explain). The date's pairs are few; they are copied into the carried-over ones' table.
                await using var pairing = await OpenDaySizedAsync(snapshot, cancellationToken, settings: EvidenceSql.NoHashJoins);
                var datePairs = ReadPairsAsync(pairing, EvidenceSql.DatePairs(carriedInRange), window, scope, cancellationToken);
                try
                {
                    await using (var stage = money.Command(EvidenceSql.StageCarriedLines, window, scope))
                    {
                        await stage.ExecuteNonQueryAsync(cancellationToken);
                    }

                    await using (var pair = money.Command(EvidenceSql.PairCarriedReversedLines, window, scope))
                    {
                        await pair.ExecuteNonQueryAsync(cancellationToken);
                    }
                }
                catch
                {
                    // The pairing's error, if it has one too, is the echo of this one (a cancelled run).
                    await Task.WhenAny(datePairs);
                    throw;
                }

                await CopyPairsAsync(money, await datePairs, cancellationToken);
                await using var analyze = money.Command(EvidenceSql.AnalyzeTemporary("evidence_paired"), window);
                await analyze.ExecuteNonQueryAsync(cancellationToken);
            }
            else
            {
                await using var pair = money.Command(EvidenceSql.PairReversedLines(carried: false, carriedInRange: false), window, scope);
                await pair.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var sharedReader = await money.ReadAsync(
                             EvidenceSql.SharedMoneyLinesByRange(carried, carriedInRange, byFiles: scope.Bytewise), window, cancellationToken, scope))
            {
                shared = await ReadSharedCopiesAsync(sharedReader, cancellationToken);
            }
        }
        else
        {
            await using (var stage = money.Command(EvidenceSql.StageMoneyLines(watched, carried), window, scope))
            {
                await stage.ExecuteNonQueryAsync(cancellationToken);
            }

            shared = [];
            await using var sharedReader = await money.ReadAsync(EvidenceSql.SharedMoneyLines, window, cancellationToken);
            while (await sharedReader.ReadAsync(cancellationToken))
            {
                shared[new MoneyKey(sharedReader.GetString(0), sharedReader.GetString(1), sharedReader.GetString(2))] =
                    new SharedMoneyLine(sharedReader.GetString(3), sharedReader.GetString(4), sharedReader.GetDecimal(5),
                        sharedReader.GetFieldValue<DateTimeOffset>(6));
            }
        }

        // A full look with a watch writes the new watch list as it goes (on another connection, committed at the end).
        await using var keep = watch is not null && !watched ? await WatchListWriter.OpenAsync(dataSource, window.Date, cancellationToken) : null;
        if (moneyStream is null)
        {
            // The staged lines' aggregates are done: what is left on this connection is their sort.
            await using var sortMemory = new NpgsqlCommand(EvidenceSql.SortMemory, money.Connection, money.Transaction);
            await sortMemory.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var moneyReader = moneyStream is null
            ? await money.ReadAsync(EvidenceSql.ScopeMoneyLines(scope.Bytewise), window, cancellationToken)
            : await moneyStream;
        await using var deliveryReader = await deliveriesStream;
        await using var orderReader = await ordersStream;
        await using var reversalReader = byRange
            ? await money.ReadAsync(EvidenceSql.ScopeReversedLinesByRange(carried, scope.Bytewise), window, cancellationToken)
            : null;
        await using var carriedOrderReader = carriedOrdersStream is null ? null : await carriedOrdersStream;
        await using var carriedDeliveryReader = carriedDeliveriesStream is null ? null : await carriedDeliveriesStream;
        var moneyRows = new SortedStream<MoneyRow>(moneyReader, ReadMoney, r => r.OrderNo, "money lines", cancellationToken, passesOver: byRange);
        var reversalRows = reversalReader is null
            ? null
            : new SortedStream<MoneyRow>(
                reversalReader, ReadMoney, r => r.OrderNo, carried ? "refunds paired with their payment and carried-over orders' money lines" : "refunds paired with their payment",
                cancellationToken, passesOver: true);
        var deliveryRows = new SortedStream<DeliveryRow>(deliveryReader, ReadDelivery, r => r.OrderNo, "delivery rows", cancellationToken, passesOver: byRange);
        var carriedDeliveryRows = carriedDeliveryReader is null
            ? null
            : new SortedStream<DeliveryRow>(carriedDeliveryReader, ReadDelivery, r => r.OrderNo, "carried-over orders' delivery rows", cancellationToken);
        moneyRows.Start();
        if (reversalRows is not null)
        {
            reversalRows.Start();
        }

        deliveryRows.Start();
        carriedDeliveryRows?.Start();
        var scopeOrders = new ScopeOrders(orderReader, carriedOrderReader, cancellationToken);
        var fold = new EvidenceFold(shared, watched ? null : tally, window);
        string? previous = null;
        long ofTheDate = 0;
        while (scopeOrders.Next() is { } order)
        {
            if (previous is not null && CodePointOrder.Instance.Compare(previous, order.OrderNo) >= 0)
            {
                throw new InvalidOperationException($"the orders of the evidence merge are not in order at {order.OrderNo}");
            }

            previous = order.OrderNo;
            while (moneyRows.NextFor(order.OrderNo) is { } row)
            {
                fold.AddMoney(row);
            }

            while (reversalRows is not null && reversalRows.NextFor(order.OrderNo) is { } row)
            {
                fold.AddMoney(row);
            }

            while (deliveryRows.NextFor(order.OrderNo) is { } row)
            {
                fold.AddDelivery(row);
            }

            while (carriedDeliveryRows is not null && carriedDeliveryRows.NextFor(order.OrderNo) is { } row)
            {
                fold.AddDelivery(row);
            }

            var evidence = fold.Complete(order, providersMissingSettlement.Contains(order.PayChannel));
            if (keep is not null && order.CreatedAt >= window.DayStart && order.CreatedAt < window.DayEnd)
            {
                ofTheDate++;
                // A clean order sharing a line with another order stays watched: looked at without it, the other order
                // would count the line for itself (a second payment, and a refund of someone else's charge).
                if (!watch!.CannotBreak(evidence) || fold.SharedALine)
                {
                    keep.Add(evidence, order.Status);
                }
            }

            yield return evidence;
        }

        // Every money line and delivery row belongs to an order in scope (read by range, the ones after the last order
        // in scope are other orders'); one left over means the streams disagree.
        moneyRows.EnsureDrained();
        reversalRows?.EnsureDrained();
        deliveryRows.EnsureDrained();
        carriedDeliveryRows?.EnsureDrained();
        if (!watched && tally is not null)
        {
            tally.MarkComplete();
            tally.Attempts.Complete(inputs ?? string.Empty);
        }

        if (keep is not null)
        {
            watch!.Orders = ofTheDate;
            watch.Watched = keep.Count;
            await keep.CommitAsync(inputs!, watch, tally!.ToJson(), cancellationToken);
        }
    }

    /// <summary>
    /// Streams the distinct payments that name no known order. The date's part is kept with the stamp of the imported
    /// files (migration 0019) and read back by a later run of the date that finds no new file.
    /// </summary>
    public async IAsyncEnumerable<PaymentEvidence> ReadOrphanPaymentsAsync(
        ReconciliationWindow window, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // The stamp and the check in one snapshot: the kept payments are exactly those of the files the stamp counts.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        // Memory for the hash of the date's orders, and no JIT: the per-row probe of the lines left is costed for the
        // planner's guess of them (256,125 where 298 were left, the 7th day of a 300 k series), and that cost had JIT
        // inline and optimise the plan, 0.46 s of a 1.24 s statement.
        await connection.ExecuteAsync(new CommandDefinition(EvidenceSql.AggregateMemory, transaction: transaction, cancellationToken: cancellationToken));
        // The date's part is evidence only: kept with the stamp of the files it was read from (read in this snapshot, so
        // a file imported meanwhile leaves an older stamp) and read back by a later run that finds no new file.
        var stamp = new
        {
            date = window.Date,
            inputs = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
                EvidenceSql.InputsStamp, transaction: transaction, cancellationToken: cancellationToken)) ?? string.Empty,
            bounds = window.Bounds,
        };
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                EvidenceSql.OrphanPaymentsCached, stamp, transaction, cancellationToken: cancellationToken)))
        {
            var keep = new DynamicParameters(stamp);
            keep.Add("start", window.DayStart.ToUniversalTime());
            keep.Add("end", window.DayEnd.ToUniversalTime());
            await connection.ExecuteAsync(new CommandDefinition(
                EvidenceSql.KeepOrphanPayments, keep, transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        }

        await using var command = new NpgsqlCommand(EvidenceSql.OrphanPayments, connection, transaction) { CommandTimeout = 0 };
        AddWindow(command, window);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new PaymentEvidence(
                reader.GetString(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetDecimal(3),
                reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5));
        }

        await reader.CloseAsync();
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The expected providers that have orders on the date but no accepted settlement file for it: a file counts when
    /// its declared period covers the date or it holds lines of the date; a "no bill" answer counts as a quiet day.
    /// A provider with no orders that day has nothing to settle, so its silence is not reported.
    /// </summary>
    public async Task<IReadOnlyList<MissingSettlement>> FindMissingSettlementsAsync(
        long runId, ReconciliationWindow window, IReadOnlyCollection<string> expectedProviders, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(expectedProviders);
        if (expectedProviders.Count == 0)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var parameters = new { runId, date = window.Date, start = window.DayStart.ToUniversalTime(), end = window.DayEnd.ToUniversalTime(), providers = expectedProviders.ToArray() };
        // The probe of a file's lines reads the date's BRIN ranges (migration 0026) with no sequential scan: costed as an
        // EXISTS that stops at its first row, a sequential scan looked cheaper, and read every date's lines before the
        // file's own (0.45-0.50 s a file on the 7th day of a 300 k series; 7-18 ms through the ranges, psql).
        await using var probe = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(EvidenceSql.NoSequentialScans, transaction: probe, cancellationToken: cancellationToken));
        var covered = (await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT DISTINCT f.provider FROM imported_file f
            WHERE f.kind = 'settlement' AND f.status IN ('imported', 'no_bill') AND f.provider = ANY(@providers)
              AND ((f.period_start <= @date AND f.period_end >= @date)
                   -- Only a file whose lines span the date can hold lines of it (files imported before migration 0015
                   -- have no span and are looked into): the probe reads the date's lines, and a file of another date
                   -- has none, so each one probed read them all (12 files, 1 s on the 7th day of a 300 k series).
                   OR (f.rows_imported > 0
                       AND (f.first_occurred_at IS NULL OR (f.first_occurred_at < @end AND f.last_occurred_at >= @start))
                       AND EXISTS (SELECT 1 FROM settlement_line s
                                   WHERE s.file_id = f.file_id AND s.occurred_at >= @start AND s.occurred_at < @end)))
            """, parameters, probe, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        await probe.CommitAsync(cancellationToken);
        // Only the providers without a file are looked for among the date's orders (a scan of the day's orders, 0.3 s
        // at a million): on a day whose files all came, none is.
        var uncovered = expectedProviders.Where(p => !covered.Contains(p)).ToArray();
        if (uncovered.Length == 0)
        {
            return [];
        }

        var used = (await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT DISTINCT pay_channel FROM platform_order
            WHERE created_at >= @start AND created_at < @end AND pay_channel = ANY(@uncovered)
            """, new { parameters.start, parameters.end, uncovered }, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        var rejected = (await connection.QueryAsync<(string Provider, string Reason)>(new CommandDefinition(
            """
            SELECT f.provider, string_agg(f.source_name || ': ' || coalesce(f.detail, 'rejected'), '; ' ORDER BY f.file_id)
            FROM imported_file f
            WHERE f.kind = 'settlement' AND f.status = 'rejected' AND f.provider = ANY(@providers)
              AND ((f.period_start <= @date AND f.period_end >= @date) OR f.run_id = @runId)
            GROUP BY f.provider
            """, parameters, cancellationToken: cancellationToken))).ToDictionary(r => r.Provider, r => r.Reason, StringComparer.Ordinal);
        return expectedProviders
            .Where(p => used.Contains(p) && !covered.Contains(p))
            .Order(StringComparer.Ordinal)
            .Select(p => new MissingSettlement(p, window.Date, rejected.TryGetValue(p, out var why) ? "rejected: " + why : "no file arrived"))
            .ToList();
    }

    /// <summary>
    /// Whether any order created on the date is stored yet. Ordered by creation time so that PostgreSQL reads the index
    /// range: as a bare <c>EXISTS</c> it scanned the table from its start, through every earlier date's orders, before
    /// reaching the date's (0.4 s on the 7th day of a 300 k series, growing with history).
    /// </summary>
    public async Task<bool> HasOrdersAsync(ReconciliationWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Not inside EXISTS: PostgreSQL drops an ORDER BY there.
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT coalesce((SELECT true FROM platform_order WHERE created_at >= @start AND created_at < @end ORDER BY created_at LIMIT 1), false)",
            new { start = window.DayStart.ToUniversalTime(), end = window.DayEnd.ToUniversalTime() }, cancellationToken: cancellationToken));
    }

    /// <summary>Opens the writer that stages this run's findings and merges them at the end.</summary>
    public async Task<FindingWriter> BeginFindingsAsync(long runId, ReconciliationWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        return await FindingWriter.OpenAsync(dataSource, runId, window, cancellationToken, FindingChunkRows);
    }

    /// <summary>
    /// Makes the finding writer merge chunks of this many findings from the first on (<see cref="FindingWriter"/>): the
    /// tests make chunks of a few. Unset, a writer merges chunks of <see cref="FindingWriter.ChunkRows"/> once told to.
    /// </summary>
    internal int? FindingChunkRows { get; init; }

    private static void AddWindow(NpgsqlCommand command, ReconciliationWindow window)
    {
        command.Parameters.AddWithValue("start", window.DayStart.ToUniversalTime());
        command.Parameters.AddWithValue("end", window.DayEnd.ToUniversalTime());
        command.Parameters.AddWithValue("date", window.Date);
    }

    private static async Task<ScopeParameters> ReadScopeAsync(
        DaySizedSession session, bool watched, ReconciliationWindow window, bool spellCodePointOrder, CancellationToken cancellationToken)
    {
        await using var reader = await session.ReadAsync(EvidenceSql.ScopeBounds(watched), window, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("PostgreSQL returned no scope bounds");
        }

        return new ScopeParameters(
            reader.IsDBNull(0) ? null : reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.GetFieldValue<string[]>(2),
            reader.GetInt64(3),
            reader.GetBoolean(4) && !spellCodePointOrder);
    }

    /// <summary>
    /// Whether a full look reads the date's evidence by its order-number range alone (<see cref="EvidenceSql.ScopeMoneyLinesByRange"/>):
    /// when PostgreSQL expects that range to hold at most half as many orders again as the date has (order numbers that
    /// grow with time; a first day). The rows of the other orders in it are read and passed over, where a join with the
    /// date's orders hashed a million order numbers for each stream and the money lines were staged before they could
    /// be sorted. Otherwise (numbers that do not grow with time: the range spans every date), and on a look at the
    /// watch list, each stream is joined with its orders as before.
    /// </summary>
    private async Task<bool> ReadsByRangeAsync(
        DaySizedSession session, bool watched, ScopeParameters scope, ReconciliationWindow window, CancellationToken cancellationToken)
    {
        if (ReadByRange is { } forced)
        {
            return forced;
        }

        if (watched || scope.Low is null)
        {
            return false;
        }

        await using var command = session.Command(EvidenceSql.OrdersInRangeEstimate, window, scope);
        var plan = (string?)await command.ExecuteScalarAsync(cancellationToken) ?? throw new InvalidOperationException("PostgreSQL returned no plan");
        using var json = System.Text.Json.JsonDocument.Parse(plan);
        var estimate = json.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
        return estimate <= 1.5 * scope.Orders;
    }

    /// <summary>
    /// The shared lines from <see cref="EvidenceSql.SharedMoneyLinesByRange"/>'s copies: those of the date's orders, where they still
    /// name two orders, count for the first in code point order (the merge's), with the least of each value, as
    /// <see cref="EvidenceSql.SharedMoneyLines"/> groups the staged lines.
    /// </summary>
    private static async Task<Dictionary<MoneyKey, SharedMoneyLine>> ReadSharedCopiesAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var copies = new Dictionary<MoneyKey, (SharedMoneyLine Least, bool TwoOrders)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.GetBoolean(7))
            {
                continue;
            }

            var key = new MoneyKey(reader.GetString(0), reader.GetString(1), reader.GetString(2));
            var copy = new SharedMoneyLine(reader.GetString(3), reader.GetString(4), reader.GetDecimal(5), reader.GetFieldValue<DateTimeOffset>(6));
            if (!copies.TryGetValue(key, out var seen))
            {
                copies[key] = (copy, false);
                continue;
            }

            var (txnId, gross, occurredAt) = EvidenceFold.Least(
                (copy.TxnId, copy.Gross, copy.OccurredAt), (seen.Least.TxnId, seen.Least.Gross, seen.Least.OccurredAt));
            var orderNo = CodePointOrder.Instance.Compare(copy.OrderNo, seen.Least.OrderNo) < 0 ? copy.OrderNo : seen.Least.OrderNo;
            copies[key] = (new SharedMoneyLine(orderNo, txnId, gross, occurredAt),
                seen.TwoOrders || !string.Equals(copy.OrderNo, seen.Least.OrderNo, StringComparison.Ordinal));
        }

        return copies.Where(c => c.Value.TwoOrders).ToDictionary(c => c.Key, c => c.Value.Least);
    }

    /// <summary>
    /// Whether a carried-over order may be numbered inside the date's range, so that a read by range must leave it out
    /// of the date's streams: where the database compares bytewise the bounds are compared here (code point order, the
    /// database's); in any other collation the range is the database's to judge, and every row is tested.
    /// </summary>
    private static bool CarriedInRange(ScopeParameters scope) =>
        !scope.Bytewise
        || (scope.Low is { } low && scope.High is { } high
            && scope.Carried.Any(c => CodePointOrder.Instance.Compare(c, low) >= 0 && CodePointOrder.Instance.Compare(c, high) <= 0));

    /// <summary>
    /// The orders the merge walks: the date's, and beside a read by range the carried-over orders' stream, interleaved in
    /// code point order (each sorted by PostgreSQL; the merge checks the order it is handed).
    /// </summary>
    private sealed class ScopeOrders(NpgsqlDataReader dated, NpgsqlDataReader? carried, CancellationToken cancellationToken)
    {
        private ScopeOrder? _dated = Read(dated, cancellationToken);
        private ScopeOrder? _carried = carried is null ? null : Read(carried, cancellationToken);

        public ScopeOrder? Next()
        {
            if (_carried is null || (_dated is not null && CodePointOrder.Instance.Compare(_dated.OrderNo, _carried.OrderNo) < 0))
            {
                var order = _dated;
                if (order is not null)
                {
                    _dated = Read(dated, cancellationToken);
                }

                return order;
            }

            var next = _carried;
            _carried = Read(carried!, cancellationToken);
            return next;
        }

        private static ScopeOrder? Read(NpgsqlDataReader reader, CancellationToken cancellationToken) =>
            SyncRead.Row(reader, cancellationToken) ? ReadOrder(reader) : null;
    }

    private static async Task<T> ScalarAsync<T>(DaySizedSession session, string sql, ReconciliationWindow window, CancellationToken cancellationToken)
    {
        await using var command = session.Command(sql, window);
        return (T)(await command.ExecuteScalarAsync(cancellationToken) ?? throw new InvalidOperationException("no value: " + sql));
    }

    private static ScopeOrder ReadOrder(NpgsqlDataReader reader) =>
        new(
            reader.GetString(0),
            reader.GetFieldValue<DateTimeOffset>(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
            reader.GetString(3),
            reader.GetInt32(4),
            reader.GetDecimal(5),
            reader.GetString(6),
            reader.GetString(7),
            reader.GetString(8),
            reader.GetString(9));

    private static MoneyRow ReadMoney(NpgsqlDataReader reader) =>
        new(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            reader.GetDecimal(5),
            reader.GetFieldValue<DateTimeOffset>(6));

    /// <summary>The rows of <see cref="EvidenceSql.DatePairs"/>, read whole (a few: the refunds whose own order number is not their payment's).</summary>
    private static async Task<List<(MoneyRow Line, long FileId)>> ReadPairsAsync(
        DaySizedSession session, string sql, ReconciliationWindow window, ScopeParameters scope, CancellationToken cancellationToken)
    {
        var pairs = new List<(MoneyRow, long)>();
        await using var reader = await session.ReadAsync(sql, window, cancellationToken, scope);
        while (await reader.ReadAsync(cancellationToken))
        {
            pairs.Add((ReadMoney(reader), reader.GetInt64(7)));
        }

        return pairs;
    }

    /// <summary>Copies the date's pairs into the session's <c>evidence_paired</c>.</summary>
    private static async Task CopyPairsAsync(DaySizedSession session, List<(MoneyRow Line, long FileId)> pairs, CancellationToken cancellationToken)
    {
        if (pairs.Count == 0)
        {
            return;
        }

        await using var copy = BinaryCopyWriter.Begin(session.Connection, "evidence_paired", EvidenceSql.PairedColumns);
        foreach (var (line, fileId) in pairs)
        {
            copy.StartRow();
            copy.Write(line.OrderNo);
            copy.Write(line.Provider);
            copy.Write(line.EntryType);
            copy.Write(line.EntryRef);
            copy.Write(line.TxnId);
            copy.Write(line.Gross);
            copy.Write(line.OccurredAt);
            copy.Write(fileId);
        }

        await copy.CompleteAsync(cancellationToken);
    }

    private static DeliveryRow ReadDelivery(NpgsqlDataReader reader) =>
        new(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetInt32(4),
            reader.GetString(5),
            reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
            reader.IsDBNull(7) ? null : reader.GetString(7),
            reader.IsDBNull(8) ? null : reader.GetDecimal(8),
            reader.GetInt64(9));

    /// <summary>
    /// A connection in a repeatable-read transaction set up for day-sized statements; the first exports its snapshot,
    /// the others import it, so the streams of one merge see the same committed data.
    /// </summary>
    /// <param name="sortOnly">The connection's one statement scans and sorts, hashing nothing day-sized (<see cref="EvidenceSql.SortMemory"/>).</param>
    /// <param name="settings">More settings for the connection's statements, if any.</param>
    private async Task<DaySizedSession> OpenDaySizedAsync(string? snapshot, CancellationToken cancellationToken, bool sortOnly = false, string? settings = null)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            if (snapshot is not null)
            {
                // SET TRANSACTION SNAPSHOT takes no parameter; the id is PostgreSQL's own, checked before it is quoted.
                if (!SnapshotId().IsMatch(snapshot))
                {
                    throw new InvalidOperationException($"unexpected snapshot id from PostgreSQL: {snapshot}");
                }

                await using var set = new NpgsqlCommand($"SET TRANSACTION SNAPSHOT '{snapshot}'", connection, transaction);
                await set.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var configure = new NpgsqlCommand(
                EvidenceSql.AggregateMemory + "; " + EvidenceSql.NoParallelWorkers + (sortOnly ? "; " + EvidenceSql.SortMemory : string.Empty)
                + (settings is null ? string.Empty : "; " + settings),
                connection, transaction);
            await configure.ExecuteNonQueryAsync(cancellationToken);
            return new DaySizedSession(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[0-9A-F]+-[0-9A-F]+-[0-9]+$")]
    private static partial System.Text.RegularExpressions.Regex SnapshotId();

    /// <summary>
    /// Forces how a full look reads the date's evidence (by range, or joined with the date's orders) instead of asking
    /// PostgreSQL's estimate (<see cref="ReadsByRangeAsync"/>): the tests hold both reads equal to the set-based query.
    /// </summary>
    internal bool? ReadByRange { get; init; }

    /// <summary>
    /// Spells the merge's order <c>COLLATE "C"</c> even where the database compares text bytewise
    /// (<see cref="EvidenceSql.InMergeOrder"/>): the tests, whose database is <c>C</c>, read both spellings.
    /// </summary>
    internal bool SpellCodePointOrder { get; init; }

    /// <summary>How the last look that read the streams read the date's evidence: by range (true) or joined.</summary>
    internal bool? ReadLastByRange { get; private set; }

    /// <summary>
    /// The date's least and greatest order number (null when it has none), the carried-over orders, the date's order count,
    /// and whether the database compares text bytewise (<see cref="EvidenceSql.InMergeOrder"/>).
    /// </summary>
    private sealed record ScopeParameters(string? Low, string? High, string[] Carried, long Orders, bool Bytewise);

    private sealed class DaySizedSession(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        // The merge reads its streams synchronously (SyncRead.Row), which takes no token: the run's cancellation cancels
        // the session's statements instead (PostgreSQL's cancel request), and the blocked read then throws.
        private readonly List<CancellationTokenRegistration> _cancellations = [];

        public NpgsqlConnection Connection => connection;

        public NpgsqlTransaction Transaction => transaction;

        public NpgsqlCommand Command(string sql, ReconciliationWindow window, ScopeParameters? scope = null)
        {
            var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
            AddWindow(command, window);
            if (scope is not null)
            {
                // Null bounds (no order on the date) match no row, as the empty date part would.
                command.Parameters.Add(new NpgsqlParameter("low", NpgsqlDbType.Text) { Value = (object?)scope.Low ?? DBNull.Value });
                command.Parameters.Add(new NpgsqlParameter("high", NpgsqlDbType.Text) { Value = (object?)scope.High ?? DBNull.Value });
                command.Parameters.Add(new NpgsqlParameter("carried", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = scope.Carried });
            }

            return command;
        }

        public async Task<NpgsqlDataReader> ReadAsync(
            string sql, ReconciliationWindow window, CancellationToken cancellationToken, ScopeParameters? scope = null)
        {
            // The reader owns its command's lifetime: disposing the reader is enough (CommandBehavior.Default keeps the connection).
            var command = Command(sql, window, scope);
            var reader = await command.ExecuteReaderAsync(cancellationToken);
            _cancellations.Add(SyncRead.CancelOnToken(command, cancellationToken));
            return reader;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var cancellation in _cancellations)
            {
                await cancellation.DisposeAsync();
            }

            // Read-only apart from the transaction's own temporary table: nothing to commit.
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
