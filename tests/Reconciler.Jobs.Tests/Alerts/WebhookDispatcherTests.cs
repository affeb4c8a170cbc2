using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Reconciler.Jobs.Alerts;
using Reconciler.Jobs.Tests.Running;
using Reconciler.Storage.Events;
using Reconciler.Testing;

namespace Reconciler.Jobs.Tests.Alerts;

/// <summary>Events of real runs posted over real HTTP to a receiver on 127.0.0.1.</summary>
public sealed class WebhookDispatcherTests : IAsyncLifetime
{
    private const string Day = "2026-11-20";
    private const string Secret = "whsec-test-0123456789";
    private readonly WebhookReceiver _receiver = WebhookReceiver.Start();
    private RunHarness _harness = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    private async Task<RunHarness> HarnessAsync(string url, int maxAttempts = 8, int backoffMilliseconds = 300, params string[] events)
    {
        var options = new ReconcilerOptions
        {
            Alerts = new AlertOptions
            {
                Webhooks = { new WebhookOptions { Name = "ops", Url = url, Secret = Secret, Events = [.. events] } },
                RetryBackoff = TimeSpan.FromMilliseconds(backoffMilliseconds),
                MaxDeliveryAttempts = maxAttempts,
                DeliveryTimeout = TimeSpan.FromSeconds(5),
            },
        };
        _harness = await RunHarness.CreateAsync(options);
        return _harness;
    }

    private static string Hmac(byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body));

    private async Task<IReadOnlyList<EventDelivery>> DeliveriesAsync() =>
        await _harness.Get<EventOutboxStore>().ListDeliveriesAsync(null, null, 100, CancellationToken.None);

    [Fact]
    public async Task DeliverDueAsync_PostsRunCompletedWithAValidSignature_AfterARun()
    {
        var harness = await HarnessAsync(_receiver.Url, events: ["run.completed"]);
        var run = await harness.RunAsync(Day, Path.Combine(RepoPaths.Sample(Day), "inbox"));

        var round = await harness.Get<WebhookDispatcher>().DeliverDueAsync(CancellationToken.None);

        round.Delivered.Should().Be(1);
        var received = _receiver.Received.Should().ContainSingle().Subject;
        received.Method.Should().Be("POST");
        received.Event.Should().Be("run.completed");
        received.ContentType.Should().StartWith("application/json");
        received.Signature.Should().Be(Hmac(received.Body), "the signature is the HMAC-SHA256 of the exact body with the secret");
        WebhookSignature.Verify(Secret, received.Body, received.Signature).Should().BeTrue();
        WebhookSignature.Verify("another secret", received.Body, received.Signature).Should().BeFalse();
        using var json = JsonDocument.Parse(received.Body);
        json.RootElement.GetProperty("type").GetString().Should().Be("run.completed");
        json.RootElement.GetProperty("data").GetProperty("runId").GetInt64().Should().Be(run.RunId);
        json.RootElement.GetProperty("data").GetProperty("businessDate").GetString().Should().Be(Day);
        json.RootElement.GetProperty("data").GetProperty("findings").GetProperty("total").GetInt64().Should().Be(run.Report.Findings.Count);
        json.RootElement.GetProperty("data").GetProperty("compensationTotal").EnumerateArray().Should().NotBeEmpty();
        (await DeliveriesAsync()).Should().ContainSingle().Which.State.Should().Be("delivered");
        (await harness.Database.ScalarAsync<bool>(
            "SELECT jsonb_path_exists(summary, '$.kinds[*] ? (exists(@.kind) && exists(@.count)).charged_amount[*].amount') FROM run"))
            .Should().BeTrue("breaks.spike reads the kinds totals in this shape from run.summary");
        (await harness.Get<WebhookDispatcher>().DeliverDueAsync(CancellationToken.None)).Delivered.Should().Be(0, "a delivered event is not posted again");
    }

    [Fact]
    public async Task DeliverDueAsync_RetriesAfterBackoff_WhenTheReceiverAnswers500AndTheRunStillCompletes()
    {
        _receiver.AnswerWith(HttpStatusCode.InternalServerError);
        // Long enough that the rerun below finishes inside it on a loaded machine.
        var harness = await HarnessAsync(_receiver.Url, backoffMilliseconds: 6000, events: ["run.completed", "run.failed"]);
        var dispatcher = harness.Get<WebhookDispatcher>();
        var inbox = Path.Combine(RepoPaths.Sample(Day), "inbox");
        var first = await harness.RunAsync(Day, inbox);

        var failedRound = await dispatcher.DeliverDueAsync(CancellationToken.None);
        var second = await harness.RunAsync(Day, inbox, reason: "rerun while the webhook is down");

        failedRound.Retrying.Should().Be(1);
        (await harness.Database.ScalarAsync<string>("SELECT string_agg(status, ',' ORDER BY run_id) FROM run")).Should().Be("completed,completed");
        var pending = (await DeliveriesAsync()).Single();
        (pending.State, pending.Attempts, pending.LastStatus).Should().Be(("pending", 1, (int?)500));
        pending.LastError.Should().Contain("500");
        (await dispatcher.DeliverDueAsync(CancellationToken.None)).Delivered.Should().Be(1, "the second run's event is due, the first waits for its backoff");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        var retried = await dispatcher.DeliverDueAsync(CancellationToken.None);
        while (retried.Delivered == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            retried = await dispatcher.DeliverDueAsync(CancellationToken.None);
        }

        retried.Delivered.Should().Be(1, "the first event is retried once its backoff is over");
        var deliveries = await DeliveriesAsync();
        deliveries.Should().OnlyContain(d => d.State == "delivered");
        deliveries.Select(d => d.Attempts).Should().BeEquivalentTo([2, 1]);
        var posts = _receiver.Received.ToList();
        posts.Should().HaveCount(3);
        posts[0].Body.Should().Equal(posts[2].Body, "a retry posts the same bytes");
        posts.Select(p => JsonDocument.Parse(p.Body).RootElement.GetProperty("data").GetProperty("runId").GetInt64())
            .Should().Equal(first.RunId, second.RunId, first.RunId);
    }

    [Fact]
    public async Task DeliverDueAsync_RecordsTheErrorAndGivesUp_WhenTheWebhookIsUnreachableForEveryAttempt()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var harness = await HarnessAsync($"http://127.0.0.1:{closedPort}/hook", maxAttempts: 2);
        await harness.RunAsync(Day, Path.Combine(RepoPaths.Sample(Day), "inbox"));
        var dispatcher = harness.Get<WebhookDispatcher>();

        var firstRound = await dispatcher.DeliverDueAsync(CancellationToken.None);
        await Task.Delay(700);
        var secondRound = await dispatcher.DeliverDueAsync(CancellationToken.None);

        firstRound.Retrying.Should().Be(1);
        secondRound.Failed.Should().Be(1);
        var failed = (await DeliveriesAsync()).Should().ContainSingle().Subject;
        (failed.State, failed.Attempts, failed.EventType).Should().Be(("failed", 2, "run.completed"));
        failed.LastError.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task DeliverDueAsync_RecordsTheErrorAndStillDeliversTheOthers_WhenAWebhookUrlIsMalformed()
    {
        var options = new ReconcilerOptions
        {
            Alerts = new AlertOptions
            {
                Webhooks =
                {
                    new WebhookOptions { Name = "typo", Url = "htp:/not a url" },
                    new WebhookOptions { Name = "ops", Url = _receiver.Url, Secret = Secret },
                },
                MaxDeliveryAttempts = 1,
            },
        };
        _harness = await RunHarness.CreateAsync(options);
        await _harness.RunAsync(Day, Path.Combine(RepoPaths.Sample(Day), "inbox"));

        var round = await _harness.Get<WebhookDispatcher>().DeliverDueAsync(CancellationToken.None);

        (round.Delivered, round.Failed).Should().Be((1, 1));
        var deliveries = await DeliveriesAsync();
        deliveries.Single(d => d.Webhook == "typo").LastError.Should().Contain("cannot post to 'htp:/not a url'");
        deliveries.Single(d => d.Webhook == "ops").State.Should().Be("delivered");
    }
}
