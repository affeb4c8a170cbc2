using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Reconciler.Storage.Events;

namespace Reconciler.Jobs.Alerts;

/// <summary>
/// Posts the outbox's due events to the configured webhooks, signed, and records each attempt in the database
/// (retried with exponential backoff, then failed). Runs as its own recurring job: a webhook that is down never
/// touches a run, which only wrote its events to the outbox.
/// </summary>
public sealed class WebhookDispatcher(
    EventOutboxStore outbox,
    IHttpClientFactory httpClients,
    ReconcilerOptions options,
    ILogger<WebhookDispatcher> logger)
{
    /// <summary>The name of the HttpClient the dispatcher asks the factory for.</summary>
    public const string HttpClientName = "reconciler-webhooks";

    private AlertOptions Alerts => options.Alerts;

    /// <summary>
    /// One delivery round (the recurring job's entry point): fans new events out to the webhooks that want them,
    /// then posts every delivery that is due until none is left. Failed posts are recorded, not thrown.
    /// </summary>
    public async Task<WebhookRound> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var webhooks = Alerts.Webhooks
            .Where(w => !string.IsNullOrWhiteSpace(w.Url))
            .GroupBy(w => w.EffectiveName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var subscriptions = webhooks.Values
            .Select(w => new WebhookSubscription(w.EffectiveName, w.Url, w.Events.Select(e => e.Trim()).ToHashSet(StringComparer.Ordinal)))
            .ToList();
        var batch = Math.Max(1, Alerts.BatchSize);
        var fannedOut = 0;
        int fanned;
        do
        {
            fanned = await outbox.FanOutAsync(subscriptions, batch, cancellationToken);
            fannedOut += fanned;
        }
        while (fanned == batch);

        // A dispatcher that dies mid-post leaves its deliveries claimed this long; then another round retries them.
        var claimFor = Alerts.DeliveryTimeout * 2 + TimeSpan.FromSeconds(30);
        int delivered = 0, retrying = 0, failed = 0;
        while (true)
        {
            var due = await outbox.ClaimDueAsync(batch, claimFor, cancellationToken);
            foreach (var delivery in due)
            {
                var (status, error) = webhooks.TryGetValue(delivery.Webhook, out var webhook)
                    ? await PostAsync(delivery, webhook, cancellationToken)
                    : (null, $"webhook '{delivery.Webhook}' is no longer configured");
                if (error is null)
                {
                    await outbox.RecordDeliveredAsync(delivery.EventId, delivery.Webhook, status!.Value, cancellationToken);
                    delivered++;
                    continue;
                }

                var retryAfter = webhook is null ? null : Alerts.RetryAfter(delivery.Attempt);
                await outbox.RecordFailedAttemptAsync(delivery.EventId, delivery.Webhook, status, error, retryAfter, cancellationToken);
                logger.LogWarning(
                    "Event {EventId} ({EventType}) to webhook {Webhook}, attempt {Attempt}: {Error}; {Next}",
                    delivery.EventId, delivery.EventType, delivery.Webhook, delivery.Attempt, error,
                    retryAfter is { } wait ? "retried in " + wait.ToString("c", CultureInfo.InvariantCulture) : "given up");
                if (retryAfter is null)
                {
                    failed++;
                }
                else
                {
                    retrying++;
                }
            }

            if (due.Count < batch)
            {
                return new WebhookRound(fannedOut, delivered, retrying, failed);
            }
        }
    }

    /// <summary>The exact bytes posted for an event: the same on every attempt, so a receiver can de-duplicate by <c>id</c>.</summary>
    public static byte[] Body(DueDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("id", delivery.EventId);
            json.WriteString("type", delivery.EventType);
            json.WriteString("occurredAt", delivery.OccurredAt);
            json.WritePropertyName("data");
            json.WriteRawValue(delivery.PayloadJson);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private async Task<(int? Status, string? Error)> PostAsync(DueDelivery delivery, WebhookOptions webhook, CancellationToken cancellationToken)
    {
        var body = Body(delivery);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.Add("X-Reconciler-Event", delivery.EventType);
            request.Headers.Add("X-Reconciler-Delivery", delivery.EventId.ToString(CultureInfo.InvariantCulture));
            if (!string.IsNullOrEmpty(webhook.Secret))
            {
                request.Headers.Add(WebhookSignature.Header, WebhookSignature.Compute(webhook.Secret, body));
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Alerts.DeliveryTimeout);
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? (status, null) : (status, $"HTTP {status} {response.ReasonPhrase}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"no answer within {Alerts.DeliveryTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (HttpRequestException e)
        {
            return (null, e.Message);
        }
        catch (Exception e) when (e is UriFormatException or InvalidOperationException or NotSupportedException)
        {
            // A mistyped Url fails each attempt on record instead of stopping every other delivery of the round.
            return (null, $"cannot post to '{webhook.Url}': {e.Message}");
        }
    }
}
