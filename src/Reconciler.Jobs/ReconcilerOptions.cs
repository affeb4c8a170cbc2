using Reconciler.Formats;
using Reconciler.Formats.Limits;
using Reconciler.Jobs.Scheduling;
using Reconciler.Jobs.Alerts;
using Reconciler.Storage.Compensation;
using Reconciler.Storage.Incidents;

namespace Reconciler.Jobs;

/// <summary>The settings of section <c>Reconciler</c> (every one documented in appsettings.example.json).</summary>
public sealed class ReconcilerOptions
{
    public const string Section = "Reconciler";

    /// <summary>The zone business dates are counted in (IANA id).</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>The folder files arrive in (subfolders included).</summary>
    public string Inbox { get; set; } = "inbox";

    /// <summary>The folder under which each run writes <c>&lt;date&gt;/</c> when no <c>--out</c> is given.</summary>
    public string OutRoot { get; set; } = "out";

    /// <summary>
    /// Providers whose settlement file is expected every day, comma-separated (empty: none); without it their orders
    /// wait as pending. A string, not a list, so configuration replaces the default instead of adding to it.
    /// </summary>
    public string ExpectedDailySettlement { get; set; } = "wechat,alipay,unionpay";

    public IReadOnlyList<string> ExpectedProviders =>
        ExpectedDailySettlement.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.ToLowerInvariant())
            .Distinct(StringComparer.Ordinal)
            .ToList();

    public MatchingOptions Matching { get; init; } = new();

    /// <summary>When findings make an incident (section <c>Reconciler:Incidents</c>).</summary>
    public IncidentRule Incidents { get; init; } = new();

    public PlatformDatabaseOptions PlatformDatabase { get; init; } = new();

    public FormatOptions Formats { get; init; } = new();

    public JobsOptions Jobs { get; init; } = new();

    public ScheduleOptions Schedule { get; init; } = new();
    /// <summary>The compensation queue's retries (<c>Reconciler:Compensation</c>).</summary>
    public CompensationQueueOptions Compensation { get; init; } = new();

    /// <summary>Webhooks and spike thresholds (<c>Reconciler:Alerts</c>).</summary>
    public AlertOptions Alerts { get; init; } = new();

    /// <summary>Bounds on what one input may cost (<c>Reconciler:Limits</c>).</summary>
    public InputLimits Limits { get; init; } = new();
}
