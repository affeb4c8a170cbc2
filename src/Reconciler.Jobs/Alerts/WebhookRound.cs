namespace Reconciler.Jobs.Alerts;

/// <summary>What one <see cref="WebhookDispatcher.DeliverDueAsync"/> did: events fanned out, and attempts that delivered, will retry, or gave up.</summary>
public sealed record WebhookRound(int EventsFannedOut, int Delivered, int Retrying, int Failed);
