namespace Reconciler.Jobs.Alerts;

/// <summary>One entry of <c>Reconciler:Alerts:Webhooks</c>: where to post, which events, and the signing secret.</summary>
public sealed class WebhookOptions
{
    /// <summary>Names the webhook in the delivery records; defaults to <see cref="Url"/>.</summary>
    public string? Name { get; set; }

    public string Url { get; set; } = "";

    /// <summary>The event types to post (<c>run.completed</c>, ...); empty or <c>*</c>: all of them.</summary>
    public List<string> Events { get; init; } = [];

    /// <summary>Signs each body: <c>X-Reconciler-Signature: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>.</summary>
    public string? Secret { get; set; }

    public string EffectiveName => string.IsNullOrWhiteSpace(Name) ? Url : Name;
}
