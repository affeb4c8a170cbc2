using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Reconciler.Host.Tests.Support;
using Reconciler.Testing;

namespace Reconciler.Host.Tests.Serve;

/// <summary>The compensation queue and the webhooks over real HTTP, against a real <c>serve</c>.</summary>
public sealed class ServeCompensationTests
{
    private static readonly SampleDay Day = SampleDay.November20;

    [Fact]
    public async Task Queue_HandsEveryAutomaticFindingOutOnce_AndKeepsItsPromisesOverHttp()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        try
        {
            var environment = ServeProcess.Environment(sandbox, Day.Inbox);
            await using var serve = await ServeProcess.StartAsync(sandbox, environment);
            var runId = await serve.PostRunAsync(Day.Date, Day.AsOf);
            (await serve.WaitForRunAsync(runId, ServeProcess.IsFinished, TimeSpan.FromSeconds(90))).GetProperty("status").GetString().Should().Be("completed");
            var automatic = Day.ExpectedMismatches.Where(r => r["compensation_action"] is "refund" or "redeliver").Select(r => r["finding_id"]).ToList();

            using (var forbidden = await serve.SendAsync(HttpMethod.Post, "/api/compensations/claim", "operator", new { consumer = "x" }))
            {
                forbidden.StatusCode.Should().Be(HttpStatusCode.Forbidden, "the queue is the compensation role's only");
            }

            // Eight consumers claim in parallel, two at a time, until nothing is left.
            var handedOut = new ConcurrentBag<(string RequestId, string Consumer, string LeaseToken)>();
            await Task.WhenAll(Enumerable.Range(1, 8).Select(async n =>
            {
                var consumer = $"worker-{n}";
                while (true)
                {
                    var claim = await PostAsync(serve, "/api/compensations/claim", new { consumer, limit = 2, leaseSeconds = 300 });
                    var items = claim.Body.GetProperty("items");
                    if (items.GetArrayLength() == 0)
                    {
                        return;
                    }

                    foreach (var item in items.EnumerateArray())
                    {
                        handedOut.Add((item.GetProperty("requestId").GetString()!, consumer, item.GetProperty("leaseToken").GetString()!));
                    }
                }
            }));
            handedOut.Select(h => h.RequestId).Should().OnlyHaveUniqueItems().And.BeEquivalentTo(automatic, "every automatic finding, each once");

            // complete, replayed with the same key: the same answer; with a new key after completion: 409.
            var (requestId, _, leaseToken) = handedOut.First();
            var first = await PostAsync(serve, $"/api/compensations/{requestId}/complete", new { leaseToken, reference = "RF-1" }, "key-1");
            var replay = await PostAsync(serve, $"/api/compensations/{requestId}/complete", new { leaseToken, reference = "RF-1" }, "key-1");
            var again = await PostAsync(serve, $"/api/compensations/{requestId}/complete", new { leaseToken, reference = "RF-1" }, "key-2");
            first.Status.Should().Be(HttpStatusCode.OK, first.Body.ToString());
            first.Body.GetProperty("state").GetString().Should().Be("completed");
            replay.Status.Should().Be(HttpStatusCode.OK);
            replay.Text.Should().Be(first.Text, "a retry with the same key gets the first answer");
            replay.Replayed.Should().BeTrue();
            again.Status.Should().Be(HttpStatusCode.Conflict);
            again.Body.GetProperty("error").GetString().Should().NotBeNullOrEmpty();

            // A wrong lease token changes nothing.
            var (otherId, _, _) = handedOut.First(h => h.RequestId != requestId);
            var stale = await PostAsync(serve, $"/api/compensations/{otherId}/complete", new { leaseToken = Guid.NewGuid(), reference = "RF-2" });
            stale.Status.Should().Be(HttpStatusCode.Conflict);
            var list = await GetAsync(serve, $"/api/compensations?state=claimed&date={Day.Date}");
            list.Body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("requestId").GetString()).Should().Contain(otherId);
        }
        finally
        {
            await ServeProcess.DropHangfireSchemaAsync(sandbox);
        }
    }

    [Fact]
    public async Task Webhook_ReceivesRunCompletedSigned_AndARunCompletesThoughAnotherWebhookAnswers500()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        await using var good = WebhookReceiver.Start();
        await using var broken = WebhookReceiver.Start();
        broken.AnswerWith(Enumerable.Repeat(HttpStatusCode.InternalServerError, 100).ToArray());
        try
        {
            var environment = ServeProcess.Environment(sandbox, Day.Inbox);
            environment["RECONCILER__Reconciler__Schedule__Webhooks"] = "*/2 * * * * *";
            environment["RECONCILER__Reconciler__Alerts__RetryBackoff"] = "00:00:01";
            environment["RECONCILER__Reconciler__Alerts__Webhooks__0__Name"] = "good";
            environment["RECONCILER__Reconciler__Alerts__Webhooks__0__Url"] = good.Url;
            environment["RECONCILER__Reconciler__Alerts__Webhooks__0__Secret"] = "s3cret";
            environment["RECONCILER__Reconciler__Alerts__Webhooks__1__Name"] = "broken";
            environment["RECONCILER__Reconciler__Alerts__Webhooks__1__Url"] = broken.Url;
            environment["RECONCILER__Reconciler__Alerts__Webhooks__1__Secret"] = "other";
            await using var serve = await ServeProcess.StartAsync(sandbox, environment);

            var runId = await serve.PostRunAsync(Day.Date, Day.AsOf);
            (await serve.WaitForRunAsync(runId, ServeProcess.IsFinished, TimeSpan.FromSeconds(90))).GetProperty("status").GetString()
                .Should().Be("completed", "a failing webhook never fails a run");

            var delivered = await WaitForAsync(good, r => r.Event == "run.completed", 1, serve);
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("s3cret"), delivered.Body));
            delivered.Signature.Should().Be(expected);
            JsonDocument.Parse(delivered.Body).RootElement.GetProperty("data").GetProperty("runId").GetInt64().Should().Be(runId);
            await WaitForAsync(broken, r => r.Event == "run.completed", 2, serve);
            var deliveries = await serve.GetJsonAsync("/api/events?state=pending", "finance");
            deliveries.EnumerateArray().Should().Contain(d => d.GetProperty("webhook").GetString() == "broken" && d.GetProperty("lastStatus").GetInt32() == 500);
        }
        finally
        {
            await ServeProcess.DropHangfireSchemaAsync(sandbox);
        }
    }

    /// <summary>Waits until the receiver got <paramref name="times"/> posts matching; returns the first.</summary>
    private static async Task<ReceivedWebhook> WaitForAsync(WebhookReceiver receiver, Func<ReceivedWebhook, bool> match, int times, ServeProcess serve)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var hits = receiver.Received.Where(match).ToList();
            if (hits.Count >= times)
            {
                return hits[0];
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{receiver.Url} got {receiver.Received.Count} posts, not {times} matching, in 90 s:\n{serve.Output}");
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body, string Text, bool Replayed)> PostAsync(
        ServeProcess serve, string path, object body, string? idempotencyKey = null)
    {
        using var request = ServeProcess.Request(HttpMethod.Post, path, "compensation", body);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await serve.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), text, response.Headers.Contains("Idempotent-Replayed"));
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(ServeProcess serve, string path)
    {
        using var response = await serve.SendAsync(HttpMethod.Get, path, "compensation");
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }
}
