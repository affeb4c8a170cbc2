namespace Reconciler.Jobs.Scheduling;

/// <summary>The settings of section <c>Reconciler:Schedule</c>: cron expressions read in <c>Reconciler:TimeZone</c>.</summary>
public sealed class ScheduleOptions
{
    /// <summary>When the nightly run starts; it reconciles the business date before that day, as of that instant.</summary>
    public string Nightly { get; set; } = "30 10 * * *";

    /// <summary>How often the inbox is imported ahead of the nightly run.</summary>
    public string InboxScan { get; set; } = "*/5 * * * *";

    /// <summary>How often due webhook deliveries go out (6 fields: with seconds).</summary>
    public string Webhooks { get; set; } = "*/30 * * * * *";
}
