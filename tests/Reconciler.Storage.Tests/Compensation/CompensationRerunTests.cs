using Reconciler.Core.Matching;
using Reconciler.Storage.Compensation;
using Reconciler.Storage.Reconciliation;
using Reconciler.Storage.Tests.Support;
using static Reconciler.Storage.Tests.Support.Evidence;

namespace Reconciler.Storage.Tests.Compensation;

/// <summary>Reruns keep their promises with the queue's leases: withdraw what is pending, flag what was handed out, never request twice.</summary>
public sealed class CompensationRerunTests : DatabaseTest
{
    private const string Undelivered = "KM202611180000013";
    private const string Other = "KM202611180000014";

    private static readonly Finding Break = Findings.ChargedNotDelivered(Undelivered);

    private CompensationStore Queue => new(Database.DataSource, new CompensationQueueOptions { RetryBackoff = TimeSpan.Zero });

    private ReconciliationStore Store => new(Database.DataSource);

    private async Task GivenARequestAsync()
    {
        var runId = await CreateRunAsync();
        await ImportOrdersAsync(runId, "orders_20261118.csv", Order(Undelivered, Beijing(11, 18, 9, 30)), Order(Other, Beijing(11, 18, 9, 31)));
        await RerunAsync(Break);
    }

    /// <summary>A run as the runner does it: stage, flag compensations of resolved breaks, commit.</summary>
    private async Task<(IReadOnlyList<CompensatedBreak> Breaks, FindingChanges Changes)> RerunAsync(params Finding[] findings)
    {
        var runId = await CreateRunAsync();
        await using var writer = await Store.BeginFindingsAsync(runId, WindowFor(Day), Ct);
        foreach (var finding in findings)
        {
            writer.Add(finding, Day);
        }

        var breaks = new List<CompensatedBreak>();
        await writer.ForEachCompensatedBreakAsync(breaks.Add, Ct);
        return (breaks, await writer.CommitAsync(Ct));
    }

    private async Task<ClaimedCompensation> ClaimAsync(int leaseSeconds = 300) =>
        (await Queue.ClaimAsync("worker-1", 10, leaseSeconds, null, Ct)).Read<ClaimResult>().Items.Single();

    private Task<string> StateAsync() =>
        Database.ScalarAsync<string>("SELECT state FROM compensation_request WHERE request_id = @FindingId", new { Break.FindingId });

    [Fact]
    public async Task ForEachCompensatedBreakAsync_FlagsTheClaimedRequest_WhenItsBreakResolvesWhileClaimed()
    {
        await GivenARequestAsync();
        var claim = await ClaimAsync();

        var (breaks, changes) = await RerunAsync();

        breaks.Should().ContainSingle().Which.Should().Match<CompensatedBreak>(b => b.RequestId == Break.FindingId && b.State == "claimed");
        changes.RequestsWithdrawn.Should().Be(0, "a claimed request may already be paid: it is flagged, not withdrawn");
        (await StateAsync()).Should().Be("claimed");
        (await Queue.CompleteAsync(Break.FindingId, claim.LeaseToken.ToString(), "wx-refund-1", null, Ct)).IsOk
            .Should().BeTrue("the holder of the lease may still report what it did");
    }

    [Fact]
    public async Task ClaimAsync_DoesNotHandOutAgain_WhenTheBreakResolvedWhileTheLeaseExpired()
    {
        await GivenARequestAsync();
        await ClaimAsync(leaseSeconds: 1);
        await RerunAsync();
        await Task.Delay(1500);

        var again = await Queue.ClaimAsync("worker-2", 10, 300, null, Ct);

        again.Read<ClaimResult>().Items.Should().BeEmpty("the break resolved: nothing is owed any more");
    }

    [Fact]
    public async Task FailAsync_WithdrawsInsteadOfRetrying_WhenTheBreakResolvedWhileClaimed()
    {
        await GivenARequestAsync();
        var claim = await ClaimAsync();
        await RerunAsync();

        var failed = await Queue.FailAsync(Break.FindingId, claim.LeaseToken.ToString(), "vendor timeout", retryable: true, null, Ct);

        failed.Read<CompensationStateChange>().State.Should().Be("withdrawn");
        (await StateAsync()).Should().Be("withdrawn");
    }

    [Fact]
    public async Task CommitAsync_KeepsAFailedRequestFailed_WhenARerunStillSeesTheBreak()
    {
        await GivenARequestAsync();
        var claim = await ClaimAsync();
        await Queue.FailAsync(Break.FindingId, claim.LeaseToken.ToString(), "account closed", retryable: false, null, Ct);

        var (_, changes) = await RerunAsync(Break);

        changes.RequestsUpdated.Should().Be(0);
        (await StateAsync()).Should().Be("failed", "a failed request waits for a person; a rerun does not send it round again");
        (await Database.ScalarAsync<long>("SELECT count(*) FROM compensation_request")).Should().Be(1);
    }

    [Fact]
    public async Task CommitAsync_CreatesNoSecondRequest_WhenARerunFindsTheCompletedBreakAgain()
    {
        await GivenARequestAsync();
        var claim = await ClaimAsync();
        await Queue.CompleteAsync(Break.FindingId, claim.LeaseToken.ToString(), "wx-refund-1", null, Ct);

        var (breaks, changes) = await RerunAsync(Break);

        breaks.Should().BeEmpty();
        changes.RequestsCreated.Should().Be(0);
        (await StateAsync()).Should().Be("completed");
        (await Database.ScalarAsync<long>("SELECT count(*) FROM compensation_request")).Should().Be(1);
    }

    [Fact]
    public async Task ForEachCompensatedBreakAsync_HoldsAResolvingPendingRequestFromClaims_UntilTheRunCommitsItsWithdrawal()
    {
        await GivenARequestAsync();
        var runId = await CreateRunAsync();
        await using (var writer = await Store.BeginFindingsAsync(runId, WindowFor(Day), Ct))
        {
            (await writer.ForEachCompensatedBreakAsync(_ => { }, Ct)).Should().Be(0);

            // Committed state: pending, its finding open. The run holds it, so a claim now skips it.
            var during = await Queue.ClaimAsync("worker-1", 10, 300, null, Ct);
            during.Read<ClaimResult>().Items.Should().BeEmpty();

            (await writer.CommitAsync(Ct)).RequestsWithdrawn.Should().Be(1);
        }

        (await StateAsync()).Should().Be("withdrawn");
        (await Queue.ClaimAsync("worker-1", 10, 300, null, Ct)).Read<ClaimResult>().Items.Should().BeEmpty();
        (await Database.QueryAsync<string>("SELECT previous_state || '>' || state FROM compensation_history")).Should().Equal("pending>withdrawn");
    }
}
