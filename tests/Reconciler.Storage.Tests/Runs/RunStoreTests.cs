using System.Security.Cryptography;
using Dapper;
using Npgsql;
using Reconciler.Core.Evidence;
using Reconciler.Storage.Tests.Support;

namespace Reconciler.Storage.Tests.Runs;

public sealed class RunStoreTests : DatabaseTest
{
    private static readonly TimeSpan StillWaiting = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(10);

    // Date locks are advisory locks, global to the database that every worktree's tests share: a date of its own
    // keeps a concurrent test run (of this or another branch) from holding the lock this test waits on.
    private readonly DateOnly _date = new DateOnly(2300, 1, 1).AddDays(RandomNumberGenerator.GetInt32(0, 300_000));

    [Fact]
    public async Task LockDateAsync_WaitsUntilFirstLockIsDisposed_WhenSameDateIsLockedTwice()
    {
        var first = await Runs.LockDateAsync(_date, Ct);

        var second = Runs.LockDateAsync(_date, Ct);
        var waited = await Task.WhenAny(second, Task.Delay(StillWaiting));

        waited.Should().NotBeSameAs(second, "the first run still holds the date");
        await first.DisposeAsync();
        (await Task.WhenAny(second, Task.Delay(Eventually))).Should().BeSameAs(second, "the first run let go of the date");
        await (await second).DisposeAsync();
    }

    [Fact]
    public async Task LockDateAsync_DoesNotWait_WhenAnotherDateIsLocked()
    {
        await using var first = await Runs.LockDateAsync(_date, Ct);

        var other = Runs.LockDateAsync(_date.AddDays(1), Ct);

        (await Task.WhenAny(other, Task.Delay(Eventually))).Should().BeSameAs(other);
        await (await other).DisposeAsync();
    }

    [Fact]
    public async Task LockDateAsync_CanLockAgain_WhenEarlierLockWasDisposed()
    {
        await (await Runs.LockDateAsync(_date, Ct)).DisposeAsync();

        var again = Runs.LockDateAsync(_date, Ct);

        (await Task.WhenAny(again, Task.Delay(Eventually))).Should().BeSameAs(again);
        await (await again).DisposeAsync();
    }

    [Fact]
    public async Task TryFailRunAsync_MarksRunFailedWithError_WhenRunIsRunning()
    {
        var runId = await CreateRunAsync();

        var marked = await Runs.TryFailRunAsync(runId, "inbox /srv/inbox is not readable: permission denied");

        marked.Should().BeTrue();
        var run = await Runs.GetRunAsync(runId, Ct);
        run.Status.Should().Be("failed");
        run.Error.Should().Be("inbox /srv/inbox is not readable: permission denied");
        run.FinishedAt.Should().NotBeNull();
        run.BusinessDate.Should().Be(Day);
        run.RequestedBy.Should().Be("ops.zhang");
        run.AsOf.Should().Be(WindowFor(Day).AsOf);
    }

    [Fact]
    public async Task TryFailRunAsync_LeavesCompletedRunAlone_WhenRunAlreadyCompleted()
    {
        var runId = await CreateRunAsync();
        await Runs.CompleteRunAsync(runId, """{"findings":3}""", Ct);

        await Runs.TryFailRunAsync(runId, "late failure");

        var status = await Database.QueryAsync<(string Status, string? Error)>("SELECT status, error FROM run WHERE run_id = @runId", new { runId });
        status.Should().Equal(("completed", (string?)null));
    }

    [Fact]
    public async Task PreviousRunAsync_ReturnsLatestCompletedRunOfTheDate_WhenEarlierRunsExist()
    {
        var completed = await CreateRunAsync();
        await Runs.CompleteRunAsync(completed, "{}", Ct);
        var failed = await CreateRunAsync();
        await Runs.TryFailRunAsync(failed, "database unreachable");
        var otherDate = await CreateRunAsync(Day.AddDays(1));
        await Runs.CompleteRunAsync(otherDate, "{}", Ct);
        var current = await CreateRunAsync();

        (await Runs.PreviousRunAsync(current, Day, Ct)).Should().Be(completed);
    }

    [Fact]
    public async Task FailAbandonedRunsAsync_LeavesTheRunBeingResumedRunning_AndFailsTheOthersOfTheDate()
    {
        // Two runs of the date shown running (their processes died), one of them resumed by its re-fetched job.
        var resumed = await CreateRunAsync(_date);
        var abandoned = await CreateRunAsync(_date);
        var otherDate = await CreateRunAsync(_date.AddDays(1));

        (await Runs.FailAbandonedRunsAsync(_date, Ct, resuming: resumed)).Should().Be(1);

        var states = await Database.QueryAsync<(long RunId, string Status)>(
            "SELECT run_id, status FROM run WHERE run_id IN (@resumed, @abandoned, @otherDate) ORDER BY run_id", new { resumed, abandoned, otherDate });
        states.Should().Equal((resumed, "running"), (abandoned, "failed"), (otherDate, "running"));
    }

    [Fact]
    public async Task RefreshStatisticsAsync_SummarisesTheSettlementLinesAddedSinceTheLastRun_InTheOccurredAtIndex()
    {
        // A BRIN range left unsummarised matches every search of a date: the import's ranges must be summarised by the
        // run, not left to autovacuum. brin_summarize_new_values answers how many ranges were still unsummarised; the
        // first range (from page 0) is kept up by the inserts, so each file here fills several (128 pages each).
        var runId = await CreateRunAsync();
        await ImportSettlementAsync(runId, "wechat/day1.csv", "wechat", Enumerable.Range(1, 20_000).Select(i =>
            Evidence.Payment("wechat", $"4200001{i:D6}", $"P{i:D8}", 30m + i, Evidence.Beijing(11, 18, 9, 0).AddSeconds(i))));
        await Runs.RefreshStatisticsAsync(Ct);
        var afterFirst = await Database.ScalarAsync<int>("SELECT brin_summarize_new_values('settlement_line_occurred_at'::regclass)");
        await ImportSettlementAsync(runId, "wechat/day2.csv", "wechat", Enumerable.Range(1, 20_000).Select(i =>
            Evidence.Payment("wechat", $"4200002{i:D6}", $"Q{i:D8}", 30m + i, Evidence.Beijing(11, 19, 9, 0).AddSeconds(i))));
        await Runs.RefreshStatisticsAsync(Ct);
        var afterSecond = await Database.ScalarAsync<int>("SELECT brin_summarize_new_values('settlement_line_occurred_at'::regclass)");

        (afterFirst, afterSecond).Should().Be((0, 0));
        (await Database.ScalarAsync<string>("SELECT amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE c.oid = 'settlement_line_occurred_at'::regclass"))
            .Should().Be("brin");
    }

    [Fact]
    public async Task HoldStatisticsAsync_KeepsAutovacuumOffTheTable_UntilTheRunHasAnalysedIt()
    {
        // Autovacuum takes a table's SHARE UPDATE EXCLUSIVE lock only if it is free: taken NOWAIT here, as autovacuum
        // asks for it. The import goes on beside the hold, and the refresh lets the lock go.
        var runId = await CreateRunAsync();
        var hold = await Runs.HoldStatisticsAsync(EvidenceKind.Settlement, Ct);
        try
        {
            await WaitUntilAsync(() => HeldAsync("settlement_line"), "the hold takes the lock");
            (await TryLockAsync("settlement_line")).Should().BeFalse("an autovacuum would skip the table while the run imports into it");
            await ImportSettlementAsync(runId, "wechat/held.csv", "wechat", Enumerable.Range(1, 500).Select(i =>
                Evidence.Payment("wechat", $"4200003{i:D6}", $"H{i:D8}", 30m + i, Evidence.Beijing(11, 18, 9, 0).AddSeconds(i))));

            await hold.RefreshAsync(Ct);

            (await TryLockAsync("settlement_line")).Should().BeTrue("the refresh let the lock go");
            (await Database.ScalarAsync<float>("SELECT reltuples FROM pg_class WHERE oid = 'settlement_line'::regclass"))
                .Should().Be(500, "the table was analysed with the rows just imported");
        }
        finally
        {
            await hold.DisposeAsync();
        }
    }

    [Fact]
    public async Task HoldStatisticsAsync_WaitsForTheLockBesideTheImport_AndGivesUpTheWaitWhenDisposed()
    {
        // Another session holds the lock (as an autovacuum that started first does, until PostgreSQL cancels it): the
        // hold waits for it, the import does not, and the refresh comes once the lock is free.
        var runId = await CreateRunAsync();
        await using var other = await Database.DataSource.OpenConnectionAsync(Ct);
        await using var otherTransaction = await other.BeginTransactionAsync(Ct);
        await other.ExecuteAsync("LOCK TABLE settlement_line IN SHARE UPDATE EXCLUSIVE MODE", transaction: otherTransaction);
        var hold = await Runs.HoldStatisticsAsync(EvidenceKind.Settlement, Ct);
        try
        {
            await ImportSettlementAsync(runId, "wechat/waited.csv", "wechat", Enumerable.Range(1, 100).Select(i =>
                Evidence.Payment("wechat", $"4200004{i:D6}", $"W{i:D8}", 30m + i, Evidence.Beijing(11, 18, 9, 0).AddSeconds(i))));
            var refresh = hold.RefreshAsync(Ct);
            (await Task.WhenAny(refresh, Task.Delay(StillWaiting))).Should().NotBeSameAs(refresh, "the other session still holds the lock");

            await otherTransaction.CommitAsync(Ct);
            (await Task.WhenAny(refresh, Task.Delay(Eventually))).Should().BeSameAs(refresh, "the lock is free");
            await refresh;
        }
        finally
        {
            await hold.DisposeAsync();
        }

        // A hold disposed while it still waits (the run failed during its import) gives up its place in the queue.
        await using var again = await Database.DataSource.OpenConnectionAsync(Ct);
        await using var againTransaction = await again.BeginTransactionAsync(Ct);
        await again.ExecuteAsync("LOCK TABLE settlement_line IN SHARE UPDATE EXCLUSIVE MODE", transaction: againTransaction);
        var abandoned = await Runs.HoldStatisticsAsync(EvidenceKind.Settlement, Ct);
        await WaitUntilAsync(() => WaitingAsync("settlement_line"), "the hold waits for the lock");
        (await Task.WhenAny(abandoned.DisposeAsync().AsTask(), Task.Delay(Eventually))).IsCompletedSuccessfully.Should().BeTrue();
        (await WaitingAsync("settlement_line")).Should().BeFalse("the disposed hold's wait was cancelled");
    }

    private async Task<bool> TryLockAsync(string table)
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync(Ct);
        await using var transaction = await connection.BeginTransactionAsync(Ct);
        try
        {
            await connection.ExecuteAsync($"LOCK TABLE {table} IN SHARE UPDATE EXCLUSIVE MODE NOWAIT", transaction: transaction);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            return false;
        }
    }

    private Task<bool> HeldAsync(string table) => Database.ScalarAsync<bool>(
        $"SELECT EXISTS (SELECT FROM pg_locks WHERE relation = '{table}'::regclass AND mode = 'ShareUpdateExclusiveLock' AND granted)");

    private Task<bool> WaitingAsync(string table) => Database.ScalarAsync<bool>(
        $"SELECT EXISTS (SELECT FROM pg_locks WHERE relation = '{table}'::regclass AND mode = 'ShareUpdateExclusiveLock' AND NOT granted)");

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Eventually;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {Eventually}: {what}");
            }

            await Task.Delay(20);
        }
    }
}
