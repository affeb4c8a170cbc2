namespace Reconciler.Storage.Incidents;

/// <summary>When findings make an incident (section <c>Reconciler:Incidents</c>).</summary>
public sealed class IncidentRule
{
    public static IncidentRule Default { get; } = new();

    /// <summary>A vendor_down, callback_failure or risk_hold incident groups at least this many findings (a settlement file missing is one by itself).</summary>
    public int MinFindings { get; set; } = 5;

    /// <summary>
    /// Two failed deliveries of one vendor belong to one outage when no longer apart than this many times the vendor's
    /// mean gap between delivery attempts that day: the window follows the vendor's own traffic, not fixed hours.
    /// </summary>
    public double GapFactor { get; set; } = 10;

    /// <summary>The least gap that still joins two failures, so that a vendor with dense traffic is not split by jitter.</summary>
    public TimeSpan MinGap { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Within an outage's window, at least this share of the orders the vendor attempted failed.</summary>
    public decimal MinFailedShare { get; set; } = 0.5m;
}
