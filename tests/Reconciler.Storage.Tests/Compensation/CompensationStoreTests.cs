using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Reconciler.Core.Matching;
using Reconciler.Storage.Compensation;
using Reconciler.Storage.Reconciliation;
using Reconciler.Storage.Tests.Support;

namespace Reconciler.Storage.Tests.Compensation;

public sealed class CompensationStoreTests : DatabaseTest
{
    private static readonly CompensationQueueOptions Retries = new()
    {
        MaxAttempts = 3,
        RetryBackoff = TimeSpan.FromSeconds(1),
        MaxRetryBackoff = TimeSpan.FromSeconds(5),
    };

    private CompensationStore Queue => new(Database.DataSource, Retries);

    private static string OrderNo(int i) => string.Create(CultureInfo.InvariantCulture, $"KM2026111800{i:D5}");

    /// <summary>A first run with <paramref name="count"/> undelivered orders (one automatic finding each) and one manual-review finding.</summary>
    private async Task<IReadOnlyList<Finding>> GivenRequestsAsync(int count)
    {
        var runId = await CreateRunAsync();
        var findings = Enumerable.Range(1, count).Select(i => Findings.ChargedNotDelivered(OrderNo(i), 10m + i)).ToList();
        await using var writer = await new ReconciliationStore(Database.DataSource).BeginFindingsAsync(runId, WindowFor(Day), Ct);
        foreach (var finding in findings)
        {
            writer.Add(finding, Day);
        }

        writer.Add(Findings.WrongAccount(OrderNo(count + 1)), Day);
        await writer.CommitAsync(Ct);
        return findings;
    }

    private async Task<ClaimedCompensation> ClaimOneAsync(string consumer, int leaseSeconds = 300)
    {
        var answer = await Queue.ClaimAsync(consumer, 1, leaseSeconds, null, Ct);
        answer.Outcome.Should().Be(QueueOutcome.Ok, answer.Body);
        return answer.Read<ClaimResult>().Items.Should().ContainSingle().Subject;
    }

    private Task<(string State, string? ClaimedBy, string? Reference, int Attempts)> RequestAsync(string requestId) =>
        Database.QueryAsync<(string, string?, string?, int)>(
            "SELECT state, claimed_by, reference, attempts FROM compensation_request WHERE request_id = @requestId", new { requestId })
            .ContinueWith(t => t.Result.Single(), TaskScheduler.Default);

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, TimeSpan within)
        where T : class
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            DateTime.UtcNow.Should().BeBefore(deadline, "the awaited change should happen within {0}", within);
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task ClaimAsync_HandsOutEveryAutomaticFindingExactlyOnce_WhenEightConsumersClaimInParallelUntilEmpty()
    {
        var findings = await GivenRequestsAsync(400);
        var handedOut = new ConcurrentBag<(string Consumer, ClaimedCompensation Item)>();

        await Task.WhenAll(Enumerable.Range(1, 8).Select(n => Task.Run(async () =>
        {
            var consumer = "worker-" + n.ToString(CultureInfo.InvariantCulture);
            while (true)
            {
                var answer = await Queue.ClaimAsync(consumer, 7, 300, null, Ct);
                answer.Outcome.Should().Be(QueueOutcome.Ok, answer.Body);
                var items = answer.Read<ClaimResult>().Items;
                if (items.Count == 0)
                {
                    return;
                }

                foreach (var item in items)
                {
                    handedOut.Add((consumer, item));
                }
            }
        })));

        handedOut.Select(h => h.Item.RequestId).Should().OnlyHaveUniqueItems()
            .And.BeEquivalentTo(findings.Select(f => f.FindingId), "every automatic finding, and nothing else, is handed out once");
        handedOut.Select(h => h.Item.LeaseToken).Should().OnlyHaveUniqueItems();
        handedOut.Select(h => h.Consumer).Distinct().Should().HaveCountGreaterThan(1, "the consumers shared the queue");
        var stored = await Database.QueryAsync<(string State, int Attempts, long Count)>(
            "SELECT state, attempts, count(*) FROM compensation_request GROUP BY state, attempts");
        stored.Should().Equal(("claimed", 1, 400L));
        var byConsumer = await Database.QueryAsync<(string ClaimedBy, long Count)>(
            "SELECT claimed_by, count(*) FROM compensation_request GROUP BY claimed_by ORDER BY claimed_by");
        byConsumer.Should().BeEquivalentTo(handedOut.GroupBy(h => h.Consumer).Select(g => (g.Key, (long)g.Count())));
    }

    [Fact]
    public async Task ClaimAsync_ReturnsTheItemsFields_WhenARequestIsDue()
    {
        var finding = (await GivenRequestsAsync(1)).Single();

        var answer = await Queue.ClaimAsync("worker-1", 10, 120, null, Ct);

        using var json = JsonDocument.Parse(answer.Body);
        var item = json.RootElement.GetProperty("items").EnumerateArray().Should().ContainSingle().Subject;
        item.GetProperty("requestId").GetString().Should().Be(finding.FindingId);
        item.GetProperty("findingId").GetString().Should().Be(finding.FindingId);
        item.GetProperty("orderNo").GetString().Should().Be(OrderNo(1));
        item.GetProperty("kind").GetString().Should().Be("charged_not_delivered");
        item.GetProperty("action").GetString().Should().Be("refund");
        item.GetProperty("amount").GetDecimal().Should().Be(11m);
        item.GetProperty("currency").GetString().Should().Be("CNY");
        item.GetProperty("provider").GetString().Should().Be("wechat");
        item.GetProperty("vendor").GetString().Should().Be("fulu");
        item.GetProperty("businessDate").GetString().Should().Be("2026-11-18");
        item.GetProperty("attempt").GetInt32().Should().Be(1);
        Guid.TryParse(item.GetProperty("leaseToken").GetString(), out _).Should().BeTrue();
        item.GetProperty("leaseExpiresAt").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow.AddSeconds(120), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ClaimAsync_HandsTheRequestToAnotherConsumer_WhenTheHoldersLeaseExpired()
    {
        var finding = (await GivenRequestsAsync(1)).Single();
        var dead = await ClaimOneAsync("worker-dead", leaseSeconds: 3);

        (await Queue.ClaimAsync("worker-2", 10, 300, null, Ct)).Read<ClaimResult>().Items.Should().BeEmpty("the lease is still live");
        var second = await EventuallyAsync(async () =>
            (await Queue.ClaimAsync("worker-2", 10, 300, null, Ct)).Read<ClaimResult>().Items.SingleOrDefault(), TimeSpan.FromSeconds(10));

        second.RequestId.Should().Be(finding.FindingId);
        second.LeaseToken.Should().NotBe(dead.LeaseToken);
        second.Attempt.Should().Be(2);
        (await RequestAsync(finding.FindingId)).Should().Be(("claimed", "worker-2", null, 2));
        (await Database.QueryAsync<(string, string, string)>("SELECT previous_state, state, consumer FROM compensation_history ORDER BY seq"))
            .Should().Equal(("pending", "claimed", "worker-dead"), ("claimed", "claimed", "worker-2"));
    }

    [Fact]
    public async Task CompleteAsync_ConflictsAndChangesNothing_WhenTheDeadConsumerCompletesLate()
    {
        var finding = (await GivenRequestsAsync(1)).Single();
        var dead = await ClaimOneAsync("worker-dead", leaseSeconds: 1);
        var second = await EventuallyAsync(async () =>
            (await Queue.ClaimAsync("worker-2", 10, 300, null, Ct)).Read<ClaimResult>().Items.SingleOrDefault(), TimeSpan.FromSeconds(10));
        var before = await Database.QueryAsync<string>("SELECT row_to_json(c)::text FROM compensation_request c");

        var late = await Queue.CompleteAsync(finding.FindingId, dead.LeaseToken.ToString(), "refund-dead-1", "late-key", Ct);

        late.Outcome.Should().Be(QueueOutcome.Conflict);
        late.StatusCode.Should().Be(409);
        var error = late.Read<QueueError>();
        (error.Reason, error.RequestId, error.State).Should().Be((QueueConflicts.LeaseMismatch, finding.FindingId, "claimed"));
        error.Error.Should().Contain("another consumer claimed it");
        (await Database.QueryAsync<string>("SELECT row_to_json(c)::text FROM compensation_request c")).Should().Equal(before);
        var ok = await Queue.CompleteAsync(finding.FindingId, second.LeaseToken.ToString(), "refund-2", null, Ct);
        ok.Outcome.Should().Be(QueueOutcome.Ok, ok.Body);
        (await RequestAsync(finding.FindingId)).Should().Be(("completed", "worker-2", "refund-2", 2));
    }

    [Fact]
    public async Task CompleteAsync_BelievesTheHolder_WhenItsLeaseExpiredButNobodyClaimedTheRequestSince()
    {
        var finding = (await GivenRequestsAsync(1)).Single();
        var claim = await ClaimOneAsync("worker-slow", leaseSeconds: 1);
        await Task.Delay(1500);

        var late = await Queue.CompleteAsync(finding.FindingId, claim.LeaseToken.ToString(), "wx-refund-slow", null, Ct);

        late.Outcome.Should().Be(QueueOutcome.Ok, "paying again through another consumer would be worse than a late answer");
        (await RequestAsync(finding.FindingId)).Should().Be(("completed", "worker-slow", "wx-refund-slow", 1));
        (await Queue.ClaimAsync("worker-2", 10, 300, null, Ct)).Read<ClaimResult>().Items.Should().BeEmpty();
    }

    [Fact]
    public async Task CompleteAsync_ReturnsTheStoredFirstAnswer_WhenRetriedWithTheSameKey()
    {
        var finding = (await GivenRequestsAsync(1)).Single();
        var claim = await ClaimOneAsync("worker-1");
        var first = await Queue.CompleteAsync(finding.FindingId, claim.LeaseToken.ToString(), "wx-refund-001", "key-1", Ct);
        first.Outcome.Should().Be(QueueOutcome.Ok, first.Body);
        first.Replayed.Should().BeFalse();
        await Database.ExecuteAsync("UPDATE compensation_request SET completed_at = completed_at - interval '1 hour'");

        var retry = await Queue.CompleteAsync(finding.FindingId, claim.LeaseToken.ToString(), "wx-refund-001", "key-1", Ct);

        retry.Outcome.Should().Be(QueueOutcome.Ok);
        retry.Body.Should().Be(first.Body, "the stored first answer comes back, not a recomputed one");
        retry.Replayed.Should().BeTrue();
        var change = retry.Read<CompensationStateChange>();
        change.State.Should().Be("completed");
        change.Reference.Should().Be("wx-refund-001");
        (await Database.ScalarAsync<long>("SELECT count(*) FROM compensation_history WHERE state = 'completed'")).Should().Be(1);
    }

    [Fact]
    public async Task CompleteAsync_Conflicts_WhenANewKeyArrivesAfterCompletion()
    {
        var finding = (await GivenRequestsAsync(1)).Single();
        var claim = await ClaimOneAsync("worker-1");
        (await Queue.CompleteAsync(finding.FindingId, claim.LeaseToken.ToString(), "wx-refund-001", "key-1", Ct)).IsOk.Should().BeTrue();

        var again = await Queue.CompleteAsync(finding.FindingId, claim.LeaseToken.ToString(), "wx-refund-001", "key-2", Ct);

        again.Outcome.Should().Be(QueueOutcome.Conflict);
        again.Read<QueueError>().Reason.Should().Be(QueueConflicts.AlreadyCompleted);
        again.Read<QueueError>().State.Should().Be("completed");
        (await Queue.CompleteAsync(finding.FindingId, claim.LeaseToken.ToString(), "wx-refund-001", "key-2", Ct)).Body
            .Should().Be(again.Body, "a conflict is a decided answer too, replayed for its key");
    }

    [Fact]
    public async Task CompleteAsync_Conflicts_WhenTheKeyWasFirstUsedWithOtherParameters()
    {
        var finding = (await GivenRequestsAsync(1)).Single();
        var claim = await ClaimOneAsync("worker-1");
        (await Queue.CompleteAsync(finding.FindingId, claim.LeaseToken.ToString(), "wx-refund-001", "key-1", Ct)).IsOk.Should().BeTrue();

        var other = await Queue.CompleteAsync(finding.FindingId, claim.LeaseToken.ToString(), "wx-refund-999", "key-1", Ct);
        var otherOperation = await Queue.FailAsync(finding.FindingId, claim.LeaseToken.ToString(), "timeout", true, "key-1", Ct);

        other.Read<QueueError>().Reason.Should().Be(QueueConflicts.IdempotencyKeyReused);
        otherOperation.Read<QueueError>().Reason.Should().Be(QueueConflicts.IdempotencyKeyReused);
        (await RequestAsync(finding.FindingId)).Reference.Should().Be("wx-refund-001");
    }

    [Fact]
    public async Task CompleteAsync_ReturnsNotFoundOrBadRequest_WhenTheIdIsUnknownOrAFieldIsMissing()
    {
        await GivenRequestsAsync(1);

        var unknown = await Queue.CompleteAsync("no-such-request", Guid.NewGuid().ToString(), "ref", "key-1", Ct);
        var missing = await Queue.CompleteAsync("no-such-request", Guid.NewGuid().ToString(), " ", null, Ct);

        unknown.StatusCode.Should().Be(404);
        unknown.Read<QueueError>().Reason.Should().Be(QueueConflicts.NotFound);
        missing.StatusCode.Should().Be(400);
        missing.Read<QueueError>().Error.Should().Be("reference is required");
        (await Queue.ClaimAsync("worker-1", 0, 300, null, Ct)).StatusCode.Should().Be(400);
        (await Queue.ClaimAsync("worker-1", 1, 0, null, Ct)).StatusCode.Should().Be(400);
        (await Queue.ClaimAsync("", 1, 300, null, Ct)).StatusCode.Should().Be(400);
    }

    [Fact]
    public async Task CompleteAsync_Conflicts_WhenTheLeaseTokenIsWrong()
    {
        var finding = (await GivenRequestsAsync(1)).Single();
        await ClaimOneAsync("worker-1");

        var wrong = await Queue.CompleteAsync(finding.FindingId, Guid.NewGuid().ToString(), "ref", null, Ct);
        var garbage = await Queue.CompleteAsync(finding.FindingId, "not-a-token", "ref", null, Ct);

        wrong.Read<QueueError>().Reason.Should().Be(QueueConflicts.LeaseMismatch);
        garbage.Read<QueueError>().Reason.Should().Be(QueueConflicts.LeaseMismatch);
        (await RequestAsync(finding.FindingId)).State.Should().Be("claimed");
    }

    [Fact]
    public async Task FailAsync_ReturnsToPendingAfterBackoffThenFails_WhenRetryableUntilMaxAttempts()
    {
        var finding = (await GivenRequestsAsync(1)).Single();
        for (var attempt = 1; attempt < Retries.MaxAttempts; attempt++)
        {
            var claim = await EventuallyAsync(async () =>
                (await Queue.ClaimAsync("worker-1", 1, 300, null, Ct)).Read<ClaimResult>().Items.SingleOrDefault(), TimeSpan.FromSeconds(10));
            claim.Attempt.Should().Be(attempt);
            var failed = await Queue.FailAsync(finding.FindingId, claim.LeaseToken.ToString(), "vendor timeout", true, null, Ct);

            var change = failed.Read<CompensationStateChange>();
            change.State.Should().Be("pending");
            change.NextAttemptAt.Should().BeAfter(DateTimeOffset.UtcNow, "attempt {0} backs off before the next claim", attempt);
            (await Queue.ClaimAsync("worker-1", 1, 300, null, Ct)).Read<ClaimResult>().Items.Should().BeEmpty("the backoff is not over");
            (await Database.ScalarAsync<long>("SELECT count(*) FROM event_outbox")).Should().Be(0);
        }

        var last = await EventuallyAsync(async () =>
            (await Queue.ClaimAsync("worker-1", 1, 300, null, Ct)).Read<ClaimResult>().Items.SingleOrDefault(), TimeSpan.FromSeconds(10));
        last.Attempt.Should().Be(Retries.MaxAttempts);
        var final = await Queue.FailAsync(finding.FindingId, last.LeaseToken.ToString(), "vendor timeout", true, null, Ct);

        final.Read<CompensationStateChange>().State.Should().Be("failed");
        (await RequestAsync(finding.FindingId)).Should().Be(("failed", "worker-1", null, Retries.MaxAttempts));
        var events = await Database.QueryAsync<(string Type, string Payload)>("SELECT event_type, payload::text FROM event_outbox");
        events.Should().ContainSingle().Which.Type.Should().Be("compensation.failed");
        using var payload = JsonDocument.Parse(events[0].Payload);
        payload.RootElement.GetProperty("requestId").GetString().Should().Be(finding.FindingId);
        payload.RootElement.GetProperty("attempts").GetInt32().Should().Be(Retries.MaxAttempts);
        payload.RootElement.GetProperty("reason").GetString().Should().Be("vendor timeout");
        payload.RootElement.GetProperty("amount").GetDecimal().Should().Be(11m);
        (await Queue.ClaimAsync("worker-1", 1, 300, null, Ct)).Read<ClaimResult>().Items.Should().BeEmpty("a failed request waits for a person");
        var history = await Database.QueryAsync<string>("SELECT previous_state || '>' || state FROM compensation_history ORDER BY seq");
        history.Should().Equal("pending>claimed", "claimed>pending", "pending>claimed", "claimed>pending", "pending>claimed", "claimed>failed");
    }

    [Fact]
    public async Task FailAsync_FailsAtOnceWithAnEvent_WhenNotRetryable()
    {
        var finding = (await GivenRequestsAsync(1)).Single();
        var claim = await ClaimOneAsync("worker-1");

        var failed = await Queue.FailAsync(finding.FindingId, claim.LeaseToken.ToString(), "account closed", false, "k", Ct);

        failed.Read<CompensationStateChange>().State.Should().Be("failed");
        (await Database.ScalarAsync<string>("SELECT last_error FROM compensation_request")).Should().Be("account closed");
        (await Database.ScalarAsync<string>("SELECT event_type FROM event_outbox")).Should().Be("compensation.failed");
        (await Queue.FailAsync(finding.FindingId, claim.LeaseToken.ToString(), "account closed", false, "k", Ct)).Body.Should().Be(failed.Body);
        (await Database.ScalarAsync<long>("SELECT count(*) FROM event_outbox")).Should().Be(1, "a replay writes no second event");
    }

    [Fact]
    public async Task ExtendAsync_KeepsTheRequestFromOtherConsumers_WhileTheExtendedLeaseLives()
    {
        var finding = (await GivenRequestsAsync(1)).Single();
        var claim = await ClaimOneAsync("worker-1", leaseSeconds: 1);

        var extended = await Queue.ExtendAsync(finding.FindingId, claim.LeaseToken.ToString(), 120, null, Ct);
        await Task.Delay(1500);

        extended.Read<CompensationStateChange>().LeaseExpiresAt.Should().BeCloseTo(DateTimeOffset.UtcNow.AddSeconds(120), TimeSpan.FromSeconds(30));
        (await Queue.ClaimAsync("worker-2", 10, 300, null, Ct)).Read<ClaimResult>().Items.Should().BeEmpty();
        (await Queue.CompleteAsync(finding.FindingId, claim.LeaseToken.ToString(), "ref-1", null, Ct)).IsOk.Should().BeTrue();
    }

    [Fact]
    public async Task ClaimAsync_ReplaysTheSameItems_WhenRetriedWithTheSameKey()
    {
        await GivenRequestsAsync(3);

        var first = await Queue.ClaimAsync("worker-1", 2, 300, "claim-1", Ct);
        var retry = await Queue.ClaimAsync("worker-1", 2, 300, "claim-1", Ct);
        var next = await Queue.ClaimAsync("worker-1", 2, 300, "claim-2", Ct);

        retry.Body.Should().Be(first.Body);
        retry.Replayed.Should().BeTrue();
        next.Read<ClaimResult>().Items.Should().ContainSingle("the retry handed nothing out twice");
        (await Database.ScalarAsync<long>("SELECT sum(attempts) FROM compensation_request")).Should().Be(3);
    }

    [Fact]
    public async Task CompleteAsync_ActsOnceAndGivesEveryCallerTheSameAnswer_WhenTheSameKeyArrivesInParallel()
    {
        var finding = (await GivenRequestsAsync(1)).Single();
        var claim = await ClaimOneAsync("worker-1");

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
            Queue.CompleteAsync(finding.FindingId, claim.LeaseToken.ToString(), "wx-refund-7", "same-key", Ct))));

        answers.Should().OnlyContain(a => a.Outcome == QueueOutcome.Ok);
        answers.Select(a => a.Body).Distinct().Should().ContainSingle();
        answers.Count(a => !a.Replayed).Should().Be(1, "one call acted; the others got its stored answer");
        (await Database.ScalarAsync<long>("SELECT count(*) FROM compensation_history WHERE state = 'completed'")).Should().Be(1);
    }

    [Fact]
    public async Task ClaimAsync_HandsOutOneBatchOnly_WhenTheSameKeyArrivesInParallel()
    {
        await GivenRequestsAsync(20);

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            Queue.ClaimAsync("worker-1", 3, 300, "claim-once", Ct))));

        answers.Select(a => a.Body).Distinct().Should().ContainSingle();
        answers.Single(a => !a.Replayed).Read<ClaimResult>().Items.Should().HaveCount(3);
        (await Database.ScalarAsync<long>("SELECT count(*) FROM compensation_request WHERE state = 'claimed'")).Should().Be(3,
            "the losing claims were rolled back");
    }

    [Fact]
    public async Task ListAsync_FiltersByStateKindAndDateAndPages_WhenTheQueueHoldsSeveralStates()
    {
        var findings = await GivenRequestsAsync(5);
        var claim = await ClaimOneAsync("worker-1");
        await Queue.CompleteAsync(claim.RequestId, claim.LeaseToken.ToString(), "ref-1", null, Ct);

        var pending = (await Queue.ListAsync(new CompensationFilter(State: "pending", Limit: 3), Ct)).Read<CompensationPage>();
        var rest = (await Queue.ListAsync(new CompensationFilter(State: "pending", After: pending.Next, Limit: 3), Ct)).Read<CompensationPage>();
        var completed = (await Queue.ListAsync(new CompensationFilter("completed", Day, "charged_not_delivered"), Ct)).Read<CompensationPage>();
        var otherDay = (await Queue.ListAsync(new CompensationFilter(Date: Day.AddDays(1)), Ct)).Read<CompensationPage>();

        pending.Items.Should().HaveCount(3);
        pending.Next.Should().NotBeNull();
        rest.Items.Should().HaveCount(1);
        rest.Next.Should().BeNull();
        pending.Items.Concat(rest.Items).Select(i => i.RequestId).Should()
            .BeEquivalentTo(findings.Select(f => f.FindingId).Where(id => id != claim.RequestId)).And.BeInAscendingOrder(StringComparer.Ordinal);
        completed.Items.Should().ContainSingle().Which.Reference.Should().Be("ref-1");
        otherDay.Items.Should().BeEmpty();
        (await Queue.ListAsync(new CompensationFilter(State: "lost"), Ct)).StatusCode.Should().Be(400);
    }
}
