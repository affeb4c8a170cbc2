using Reconciler.Storage.Events;
using Reconciler.Storage.Tests.Support;

namespace Reconciler.Storage.Tests.Events;

public sealed class EventOutboxStoreTests : DatabaseTest
{
    private EventOutboxStore Outbox => new(Database.DataSource);

    private static readonly WebhookSubscription Everything = new("ops", "http://127.0.0.1:9/ops", []);
    private static readonly WebhookSubscription RunsOnly = new("finance", "http://127.0.0.1:9/finance", ["run.completed", "run.failed"]);

    private async Task AppendAsync(string type, string payload, string? dedupeKey = null)
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await EventOutboxStore.AppendAsync(connection, transaction, type, payload, dedupeKey, Ct);
        await transaction.CommitAsync();
    }

    [Fact]
    public async Task FanOutAsync_CreatesOneDeliveryPerWebhookThatWantsTheEvent_Once()
    {
        await AppendAsync(EventTypes.RunCompleted, """{"runId":1}""");
        await AppendAsync(EventTypes.CompensationFailed, """{"requestId":"x"}""");

        (await Outbox.FanOutAsync([Everything, RunsOnly], 100, Ct)).Should().Be(2);
        (await Outbox.FanOutAsync([Everything, RunsOnly], 100, Ct)).Should().Be(0);

        var deliveries = await Outbox.ListDeliveriesAsync(null, null, 100, Ct);
        deliveries.Select(d => (d.EventType, d.Webhook, d.State)).Should().BeEquivalentTo(
        [
            ("run.completed", "ops", "pending"), ("run.completed", "finance", "pending"), ("compensation.failed", "ops", "pending"),
        ]);
    }

    [Fact]
    public async Task AppendAsync_AddsNothing_WhenTheDedupeKeyWasUsed()
    {
        await AppendAsync(EventTypes.IncidentOpened, """{"kind":"vendor_down"}""", "incident:fulu:2026-11-18");
        await AppendAsync(EventTypes.IncidentOpened, """{"kind":"vendor_down"}""", "incident:fulu:2026-11-18");

        (await Database.ScalarAsync<long>("SELECT count(*) FROM event_outbox")).Should().Be(1);
    }

    [Fact]
    public async Task ClaimDueAsync_HidesClaimedDeliveriesAndRetriesThemAfterBackoff_UntilFailed()
    {
        await AppendAsync(EventTypes.RunFailed, """{"runId":7}""");
        await Outbox.FanOutAsync([Everything], 100, Ct);

        var first = (await Outbox.ClaimDueAsync(10, TimeSpan.FromMinutes(1), Ct)).Single();
        (await Outbox.ClaimDueAsync(10, TimeSpan.FromMinutes(1), Ct)).Should().BeEmpty("the first dispatcher holds it");
        await Outbox.RecordFailedAttemptAsync(first.EventId, first.Webhook, 500, "HTTP 500", TimeSpan.Zero, Ct);
        var second = (await Outbox.ClaimDueAsync(10, TimeSpan.FromMinutes(1), Ct)).Single();
        await Outbox.RecordFailedAttemptAsync(second.EventId, second.Webhook, null, "connection refused", null, Ct);

        first.Attempt.Should().Be(1);
        second.Attempt.Should().Be(2);
        second.PayloadJson.Should().Be("""{"runId": 7}""");
        var stored = (await Outbox.ListDeliveriesAsync(DeliveryStates.Failed, null, 10, Ct)).Single();
        (stored.Attempts, stored.LastStatus, stored.LastError).Should().Be((2, (int?)null, "connection refused"));
        (await Outbox.ClaimDueAsync(10, TimeSpan.Zero, Ct)).Should().BeEmpty();
    }
}
