namespace Reconciler.Storage.Compensation;

/// <summary>The retry rules of the compensation queue (section <c>Reconciler:Compensation</c>).</summary>
public sealed class CompensationQueueOptions
{
    public const string Section = "Reconciler:Compensation";

    /// <summary>Claims a request may take before a retryable failure becomes <c>failed</c> for a person to look at.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait after the first retryable failure; it doubles with each further attempt.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait between two attempts, whatever the doubling reaches.</summary>
    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1 after attempt <paramref name="attempt"/> failed.</summary>
    public TimeSpan BackoffAfter(int attempt)
    {
        var doublings = Math.Clamp(attempt - 1, 0, 30);
        var ticks = RetryBackoff.Ticks * Math.Pow(2, doublings);
        return ticks >= MaxRetryBackoff.Ticks ? MaxRetryBackoff : TimeSpan.FromTicks((long)ticks);
    }
}
