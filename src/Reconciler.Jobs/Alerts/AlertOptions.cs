using Reconciler.Storage.Runs;

namespace Reconciler.Jobs.Alerts;

/// <summary>The settings of <c>Reconciler:Alerts</c>: the webhooks, their retries, and when breaks count as a spike.</summary>
public sealed class AlertOptions
{
    public List<WebhookOptions> Webhooks { get; init; } = [];

    /// <summary>A kind spikes when its count (or charged amount in a currency) exceeds this many times its trailing average.</summary>
    public decimal SpikeFactor { get; set; } = 3m;

    /// <summary>Fewer findings of a kind than this are never a spike, however quiet the earlier days were.</summary>
    public int SpikeMinimum { get; set; } = 20;

    /// <summary>The average is over the latest completed runs of up to this many earlier business dates.</summary>
    public int SpikeTrailingRuns { get; set; } = 7;

    /// <summary>Attempts per delivery before it is marked failed.</summary>
    public int MaxDeliveryAttempts { get; set; } = 8;

    /// <summary>The wait after the first failed attempt; it doubles with each further one.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one POST may take before it counts as a failed attempt.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deliveries taken per round trip to the database.</summary>
    public int BatchSize { get; set; } = 100;

    public BreakSpikeRule SpikeRule() => new(SpikeFactor, SpikeMinimum, SpikeTrailingRuns);

    /// <summary>The wait before the next attempt after attempt <paramref name="attempt"/> failed; null when none is left.</summary>
    public TimeSpan? RetryAfter(int attempt)
    {
        if (attempt >= MaxDeliveryAttempts)
        {
            return null;
        }

        var ticks = RetryBackoff.Ticks * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        return ticks >= MaxRetryBackoff.Ticks ? MaxRetryBackoff : TimeSpan.FromTicks((long)ticks);
    }
}
