using System.Diagnostics;
using Dapper;
using Reconciler.Core.Matching;
using Reconciler.Storage.Reconciliation;
using Reconciler.Storage.Tests.Support;
using static Reconciler.Storage.Tests.Support.Evidence;

namespace Reconciler.Storage.Tests.Reconciliation;

public class FindingWriterTests : DatabaseTest
{
    private const string Undelivered = "KM202611180000013";
    private const string WrongTarget = "KM202611180000014";
    private const string Partial = "KM202611180000015";

    /// <summary>The store whose finding writer the tests use; <see cref="ChunkedFindingWriterTests"/> merges a chunk every two findings.</summary>
    protected virtual ReconciliationStore Store => new(Database.DataSource);

    private async Task GivenOrdersOfTheDayAsync()
    {
        var runId = await CreateRunAsync();
        await ImportOrdersAsync(runId, "orders_20261118.csv",
            Order(Undelivered, Beijing(11, 18, 9, 30)),
            Order(WrongTarget, Beijing(11, 18, 9, 31)),
            Order(Partial, Beijing(11, 18, 9, 32), 1296.00m, quantity: 2));
    }

    private async Task<(long RunId, FindingChanges Changes)> RunWithAsync(params Finding[] findings)
    {
        var runId = await CreateRunAsync();
        await using var writer = await Store.BeginFindingsAsync(runId, WindowFor(Day), Ct);
        foreach (var finding in findings)
        {
            writer.Add(finding, Day);
        }

        return (runId, await writer.CommitAsync(Ct));
    }

    private async Task<IReadOnlyList<CompensatedBreak>> CompensatedBreaksOfRunAsync(params Finding[] findings)
    {
        var runId = await CreateRunAsync();
        await using var writer = await Store.BeginFindingsAsync(runId, WindowFor(Day), Ct);
        foreach (var finding in findings)
        {
            writer.Add(finding, Day);
        }

        var breaks = new List<CompensatedBreak>();
        (await writer.ForEachCompensatedBreakAsync(breaks.Add, Ct)).Should().Be(breaks.Count);
        await writer.CommitAsync(Ct);
        return breaks;
    }

    private Task<IReadOnlyList<(string FindingId, string Change)>> ChangesAsync(long runId) =>
        Database.QueryAsync<(string FindingId, string Change)>(
            "SELECT finding_id, change FROM run_finding WHERE run_id = @runId ORDER BY finding_id", new { runId });

    private async Task<(string State, decimal Amount)> RequestAsync(Finding finding) =>
        (await Database.QueryAsync<(string State, decimal Amount)>(
            "SELECT state, amount FROM compensation_request WHERE request_id = @FindingId", new { finding.FindingId })).Single();

    [Fact]
    public async Task CommitAsync_RecordsEveryFindingAsNew_WhenFirstRun()
    {
        await GivenOrdersOfTheDayAsync();
        var undelivered = Findings.ChargedNotDelivered(Undelivered);
        var wrong = Findings.WrongAccount(WrongTarget);

        var (runId, changes) = await RunWithAsync(undelivered, wrong);

        changes.New.Should().Be(2);
        changes.StillOpen.Should().Be(0);
        changes.Resolved.Should().Be(0);
        (await ChangesAsync(runId)).Should().BeEquivalentTo([(undelivered.FindingId, "new"), (wrong.FindingId, "new")]);
        var stored = await Database.QueryAsync<(string Status, long FirstRunId, decimal? CompensationAmount)>(
            "SELECT status, first_run_id, compensation_amount FROM finding WHERE finding_id = @FindingId", new { undelivered.FindingId });
        stored.Should().Equal(("open", runId, (decimal?)648.00m));
    }

    [Fact]
    public async Task CommitAsync_UpdatesItsFirstAttemptsRows_WhenTheSameRunMergesAgain()
    {
        // A queued run executed again (its server died after the merge) merges under the same run id: the rows of the
        // first attempt are updated, a finding that attempt saw new stays new, and one found only now is added.
        await GivenOrdersOfTheDayAsync();
        var undelivered = Findings.ChargedNotDelivered(Undelivered);
        var wrong = Findings.WrongAccount(WrongTarget);
        var runId = await CreateRunAsync();
        await using (var first = await Store.BeginFindingsAsync(runId, WindowFor(Day), Ct))
        {
            first.Add(undelivered, Day);
            await first.CommitAsync(Ct);
        }

        FindingChanges changes;
        await using (var second = await Store.BeginFindingsAsync(runId, WindowFor(Day), Ct))
        {
            second.Add(undelivered, Day);
            second.Add(wrong, Day);
            changes = await second.CommitAsync(Ct);
        }

        changes.New.Should().Be(2);
        (await ChangesAsync(runId)).Should().BeEquivalentTo([(undelivered.FindingId, "new"), (wrong.FindingId, "new")]);
    }

    [Fact]
    public async Task CommitAsync_RecordsFindingsAsOpenWithoutDuplicates_WhenSecondRunFindsThemAgain()
    {
        await GivenOrdersOfTheDayAsync();
        var undelivered = Findings.ChargedNotDelivered(Undelivered);
        var wrong = Findings.WrongAccount(WrongTarget);
        var (firstRun, _) = await RunWithAsync(undelivered, wrong);

        var (secondRun, changes) = await RunWithAsync(undelivered, wrong);

        changes.New.Should().Be(0);
        changes.StillOpen.Should().Be(2);
        (await ChangesAsync(secondRun)).Should().BeEquivalentTo([(undelivered.FindingId, "open"), (wrong.FindingId, "open")]);
        (await Database.ScalarAsync<long>("SELECT count(*) FROM finding")).Should().Be(2);
        // Found again as they were: last_run_id names the last run that changed a finding, run_finding every run that saw it.
        var runs = await Database.QueryAsync<(long FirstRunId, long LastRunId)>("SELECT DISTINCT first_run_id, last_run_id FROM finding");
        runs.Should().Equal((firstRun, firstRun));
    }

    [Fact]
    public async Task CommitAsync_LeavesTheStoredRowAlone_WhenARunFindsTheFindingUnchanged()
    {
        await GivenOrdersOfTheDayAsync();
        var undelivered = Findings.ChargedNotDelivered(Undelivered);
        var partial = Findings.PartiallyDelivered(Partial, 1296.00m);
        await RunWithAsync(undelivered, partial);
        const string Versions = "SELECT finding_id, xmin::text, last_run_id FROM finding ORDER BY finding_id";
        var before = await Database.QueryAsync<(string FindingId, string Version, long LastRunId)>(Versions);

        var (secondRun, changes) = await RunWithAsync(undelivered, Findings.PartiallyDelivered(Partial, 648.00m));

        changes.StillOpen.Should().Be(2);
        var after = (await Database.QueryAsync<(string FindingId, string Version, long LastRunId)>(Versions)).ToDictionary(r => r.FindingId);
        var unchanged = before.Single(r => r.FindingId == undelivered.FindingId);
        after[undelivered.FindingId].Should().Be(unchanged, "a finding found again as it was is not rewritten");
        var altered = before.Single(r => r.FindingId == partial.FindingId);
        after[partial.FindingId].Version.Should().NotBe(altered.Version);
        after[partial.FindingId].LastRunId.Should().Be(secondRun);
        (await Database.ScalarAsync<decimal>("SELECT compensation_amount FROM finding WHERE finding_id = @FindingId", new { partial.FindingId }))
            .Should().Be(648.00m);
        (await ChangesAsync(secondRun)).Should().BeEquivalentTo([(undelivered.FindingId, "open"), (partial.FindingId, "open")]);
    }

    [Fact]
    public async Task CommitAsync_ResolvesFinding_WhenSecondRunOfSameScopeNoLongerFindsIt()
    {
        await GivenOrdersOfTheDayAsync();
        var undelivered = Findings.ChargedNotDelivered(Undelivered);
        var wrong = Findings.WrongAccount(WrongTarget);
        await RunWithAsync(undelivered, wrong);

        var (secondRun, changes) = await RunWithAsync(wrong);

        changes.Resolved.Should().Be(1);
        (await ChangesAsync(secondRun)).Should().BeEquivalentTo([(undelivered.FindingId, "resolved"), (wrong.FindingId, "open")]);
        var stored = await Database.QueryAsync<(string Status, long? ResolvedRunId, long LastRunId)>(
            "SELECT status, resolved_run_id, last_run_id FROM finding WHERE finding_id = @FindingId", new { undelivered.FindingId });
        stored.Should().Equal(("resolved", (long?)secondRun, secondRun));
    }

    [Fact]
    public async Task CommitAsync_LeavesFindingOpen_WhenItsOrderIsOutsideTheRunsScope()
    {
        await GivenOrdersOfTheDayAsync();
        var undelivered = Findings.ChargedNotDelivered(Undelivered);
        await RunWithAsync(undelivered);

        // A run of the day before sees neither the order (created later) nor the finding (not from an earlier date).
        var dayBeforeRun = await CreateRunAsync(Day.AddDays(-1));
        await using (var writer = await Store.BeginFindingsAsync(dayBeforeRun, WindowFor(Day.AddDays(-1)), Ct))
        {
            (await writer.CommitAsync(Ct)).Resolved.Should().Be(0);
        }

        (await Database.ScalarAsync<string>("SELECT status FROM finding")).Should().Be("open");
    }

    [Fact]
    public async Task CommitAsync_ResolvesEarlierDatesFinding_WhenNextDaysRunNoLongerFindsIt()
    {
        await GivenOrdersOfTheDayAsync();
        var undelivered = Findings.ChargedNotDelivered(Undelivered);
        await RunWithAsync(undelivered);

        var nextDayRun = await CreateRunAsync(Day.AddDays(1));
        await using (var writer = await Store.BeginFindingsAsync(nextDayRun, WindowFor(Day.AddDays(1)), Ct))
        {
            (await writer.CommitAsync(Ct)).Resolved.Should().Be(1);
        }

        (await ChangesAsync(nextDayRun)).Should().Equal((undelivered.FindingId, "resolved"));
    }

    [Fact]
    public async Task CommitAsync_CreatesOneRequestPerAutomaticFinding_WhenFirstRun()
    {
        await GivenOrdersOfTheDayAsync();
        var undelivered = Findings.ChargedNotDelivered(Undelivered);
        var partial = Findings.PartiallyDelivered(Partial, 648.00m);

        var (runId, changes) = await RunWithAsync(undelivered, Findings.WrongAccount(WrongTarget), Findings.Pending("KM202611180000016"), partial);

        changes.RequestsCreated.Should().Be(2);
        var requests = await Database.QueryAsync<(string RequestId, string State, string Action, decimal Amount, long CreatedRunId)>(
            "SELECT request_id, state, action, amount, created_run_id FROM compensation_request ORDER BY request_id");
        requests.Should().BeEquivalentTo(
        [
            (undelivered.FindingId, "pending", "refund", 648.00m, runId),
            (partial.FindingId, "pending", "refund", 648.00m, runId),
        ]);
    }

    [Fact]
    public async Task CommitAsync_CreatesNoSecondRequest_WhenRerunFindsTheSameFinding()
    {
        await GivenOrdersOfTheDayAsync();
        var undelivered = Findings.ChargedNotDelivered(Undelivered);
        await RunWithAsync(undelivered);

        var (_, changes) = await RunWithAsync(undelivered);

        changes.RequestsCreated.Should().Be(0);
        changes.RequestsUpdated.Should().Be(0);
        (await Database.ScalarAsync<long>("SELECT count(*) FROM compensation_request")).Should().Be(1);
    }

    [Fact]
    public async Task CommitAsync_UpdatesRequestAmount_WhenRequestIsStillPending()
    {
        await GivenOrdersOfTheDayAsync();
        await RunWithAsync(Findings.PartiallyDelivered(Partial, 1296.00m));

        var (_, changes) = await RunWithAsync(Findings.PartiallyDelivered(Partial, 648.00m));

        changes.RequestsUpdated.Should().Be(1);
        (await RequestAsync(Findings.PartiallyDelivered(Partial, 648.00m))).Should().Be(("pending", 648.00m));
    }

    [Fact]
    public async Task CommitAsync_RequestsCompensation_ForAFindingFoundAgainThatHasNoRequest()
    {
        // A finding stored without its request (as findings stored before requests were written with them are): the
        // run that finds it again looks its request up, finds none, and writes it.
        await GivenOrdersOfTheDayAsync();
        var partial = Findings.PartiallyDelivered(Partial, 648.00m);
        await RunWithAsync(partial);
        await Database.ExecuteAsync("DELETE FROM compensation_history; DELETE FROM compensation_request;");

        var (_, changes) = await RunWithAsync(partial);

        changes.RequestsCreated.Should().Be(1);
        changes.RequestsUpdated.Should().Be(0);
        (await RequestAsync(partial)).Should().Be(("pending", 648.00m));
    }

    [Fact]
    public async Task CommitAsync_KeepsRequestAmount_WhenRequestWasAlreadyClaimed()
    {
        await GivenOrdersOfTheDayAsync();
        var before = Findings.PartiallyDelivered(Partial, 1296.00m);
        await RunWithAsync(before);
        await Database.ExecuteAsync("UPDATE compensation_request SET state = 'claimed', claimed_by = 'comp-worker-1'");

        var (_, changes) = await RunWithAsync(Findings.PartiallyDelivered(Partial, 648.00m));

        changes.RequestsUpdated.Should().Be(0);
        (await RequestAsync(before)).Should().Be(("claimed", 1296.00m));
    }

    [Fact]
    public async Task CommitAsync_WithdrawsPendingRequest_WhenItsFindingResolves()
    {
        await GivenOrdersOfTheDayAsync();
        var undelivered = Findings.ChargedNotDelivered(Undelivered);
        await RunWithAsync(undelivered);

        var (_, changes) = await RunWithAsync();

        changes.RequestsWithdrawn.Should().Be(1);
        (await RequestAsync(undelivered)).State.Should().Be("withdrawn");
    }

    [Fact]
    public async Task ForEachCompensatedBreakAsync_ReturnsCompletedRequest_WhenItsFindingResolves()
    {
        await GivenOrdersOfTheDayAsync();
        var undelivered = Findings.ChargedNotDelivered(Undelivered);
        await RunWithAsync(undelivered, Findings.WrongAccount(WrongTarget));
        await Database.ExecuteAsync(
            "UPDATE compensation_request SET state = 'completed', outcome = 'refunded 648.00' WHERE request_id = @FindingId", new { undelivered.FindingId });

        var breaks = await CompensatedBreaksOfRunAsync(Findings.WrongAccount(WrongTarget));

        breaks.Should().Equal(new CompensatedBreak(
            undelivered.FindingId, Undelivered, "charged_not_delivered", "completed", 648.00m, null, "CNY", "wechat",
            "4200002345202611181234567890", "fulu", Day));
        (await RequestAsync(undelivered)).State.Should().Be("completed");
    }

    [Fact]
    public async Task ForEachCompensatedBreakAsync_FlagsEveryPaidCompensation_WhenMoreResolveThanOneBatchHolds()
    {
        // More than the 8,192 rows of one FETCH: the findings staged from a batch go in between two FETCHes of the
        // cursor, which must neither read them back nor lose a row.
        const int Orders = 9_000;
        var orderNos = Enumerable.Range(1, Orders).Select(i => $"KM2026111810{i:D6}").ToArray();
        await ImportOrdersAsync(await CreateRunAsync(), "orders_20261118.csv",
            orderNos.Select((o, i) => Order(o, Beijing(11, 18, 9, 30).AddSeconds(i))).ToArray());
        await RunWithAsync(orderNos.Select(o => Findings.ChargedNotDelivered(o)).ToArray());
        await Database.ExecuteAsync("UPDATE compensation_request SET state = 'completed', outcome = 'refunded'");

        var runId = await CreateRunAsync();
        var breaks = new List<CompensatedBreak>();
        FindingChanges changes;
        await using (var writer = await Store.BeginFindingsAsync(runId, WindowFor(Day), Ct))
        {
            (await writer.ForEachCompensatedBreakAsync(
                b =>
                {
                    breaks.Add(b);
                    writer.Add(Findings.CompensatedButResolved(b), b.BusinessDate);
                },
                Ct)).Should().Be(Orders);
            changes = await writer.CommitAsync(Ct);
        }

        // Sorted and compared in order: BeEquivalentTo matches 9,000 strings pairwise (minutes).
        breaks.Select(b => b.OrderNo).Order(StringComparer.Ordinal).Should().Equal(orderNos);
        breaks.Should().OnlyContain(b => b.State == "completed" && b.Amount == 648.00m);
        changes.Resolved.Should().Be(Orders);
        changes.CompensatedButResolved.Should().Be(Orders);
        changes.RequestsWithdrawn.Should().Be(0);
        (await Database.ScalarAsync<long>(
            "SELECT count(*) FROM finding WHERE kind = 'compensated_but_resolved' AND status = 'open' AND compensation_amount = -648.00"))
            .Should().Be(Orders);
    }

    [Fact]
    public async Task ForEachCompensatedBreakAsync_ReturnsNothing_WhenResolvedFindingsRequestWasOnlyPending()
    {
        await GivenOrdersOfTheDayAsync();
        await RunWithAsync(Findings.ChargedNotDelivered(Undelivered));

        (await CompensatedBreaksOfRunAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task ForEachCompensatedBreakAsync_ReturnsWhatIsNowOwed_WhenOpenFindingDroppedBelowCompletedRequest()
    {
        await GivenOrdersOfTheDayAsync();
        var before = Findings.PartiallyDelivered(Partial, 1296.00m);
        await RunWithAsync(before);
        await Database.ExecuteAsync("UPDATE compensation_request SET state = 'completed' WHERE request_id = @FindingId", new { before.FindingId });

        var breaks = await CompensatedBreaksOfRunAsync(Findings.PartiallyDelivered(Partial, 648.00m));

        breaks.Should().ContainSingle();
        breaks[0].RequestId.Should().Be(before.FindingId);
        breaks[0].Amount.Should().Be(1296.00m);
        breaks[0].NowOwed.Should().Be(648.00m);
        breaks[0].State.Should().Be("completed");
    }

    [Fact]
    public async Task CommitAsync_MergesTheChunkAgain_WhenAnotherRunCommitsTheSameFindingWhileItInserts()
    {
        // Another run (a later date's, which carries the order over) inserts the same finding and request and commits
        // only once this run's merge waits on its keys: this run's lookup saw neither, so its plain insert fails on the
        // key, and the chunk is merged again through ON CONFLICT from its savepoint.
        await GivenOrdersOfTheDayAsync();
        var undelivered = Findings.ChargedNotDelivered(Undelivered);
        var otherRun = await CreateRunAsync(Day.AddDays(1));
        var runId = await CreateRunAsync();
        // Opened first, so disposed last: a failed check rolls the other transaction back first, which frees the merge.
        await using var writer = await Store.BeginFindingsAsync(runId, WindowFor(Day), Ct);
        await using var other = await Database.DataSource.OpenConnectionAsync(Ct);
        await using var otherTransaction = await other.BeginTransactionAsync(Ct);
        await other.ExecuteAsync(
            """
            INSERT INTO finding (finding_id, kind, business_date, order_no, compensation_action, compensation_amount, detail,
                                 status, first_run_id, last_run_id)
            VALUES (@FindingId, 'charged_not_delivered', @day, @orderNo, 'refund', 600.00, 'seen by the next day', 'open', @otherRun, @otherRun);
            INSERT INTO compensation_request (request_id, order_no, kind, action, amount, currency, created_run_id)
            VALUES (@FindingId, @orderNo, 'charged_not_delivered', 'refund', 600.00, 'CNY', @otherRun);
            """,
            new { undelivered.FindingId, day = Day, orderNo = Undelivered, otherRun }, otherTransaction);

        writer.Add(undelivered, Day);
        var commit = writer.CommitAsync(Ct);
        // Committed once the merge waits for the other transaction (its plain insert found the other's key in flight).
        var waited = Stopwatch.StartNew();
        while (await Database.ScalarAsync<long>(
                   """
                   SELECT count(*) FROM pg_stat_activity
                   WHERE datname = current_database() AND wait_event = 'transactionid' AND query LIKE 'WITH staged AS MATERIALIZED%'
                   """) == 0)
        {
            commit.IsCompleted.Should().BeFalse("the merge cannot end before the other run's insert does");
            waited.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30));
            await Task.Delay(20, Ct);
        }

        await otherTransaction.CommitAsync(Ct);
        var changes = await commit;

        writer.MergedAgain.Should().Be(1);
        changes.RequestsCreated.Should().Be(0);
        changes.RequestsUpdated.Should().Be(1);
        var stored = await Database.QueryAsync<(string Status, decimal? CompensationAmount, string Detail)>(
            "SELECT status, compensation_amount, detail FROM finding");
        stored.Should().Equal(("open", (decimal?)648.00m, undelivered.Detail));
        (await RequestAsync(undelivered)).Should().Be(("pending", 648.00m));
        (await ChangesAsync(runId)).Should().Equal((undelivered.FindingId, "open"));
    }

    [Fact]
    public async Task CommitAsync_ReopensAsNewAndRequestsAgain_WhenResolvedFindingComesBack()
    {
        await GivenOrdersOfTheDayAsync();
        var undelivered = Findings.ChargedNotDelivered(Undelivered);
        await RunWithAsync(undelivered);
        await RunWithAsync();

        var (thirdRun, changes) = await RunWithAsync(undelivered);

        changes.New.Should().Be(1);
        (await ChangesAsync(thirdRun)).Should().Equal((undelivered.FindingId, "new"));
        var stored = await Database.QueryAsync<(string Status, long? ResolvedRunId)>("SELECT status, resolved_run_id FROM finding");
        stored.Should().Equal(("open", (long?)null));
        (await RequestAsync(undelivered)).State.Should().Be("pending");
        (await Database.ScalarAsync<long>("SELECT count(*) FROM compensation_request")).Should().Be(1);
    }
}
