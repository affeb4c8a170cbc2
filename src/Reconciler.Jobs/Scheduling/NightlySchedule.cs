using Cronos;

namespace Reconciler.Jobs.Scheduling;

/// <summary>
/// Turns the instant a nightly job was scheduled for into what it reconciles: the business date before the scheduled
/// day (in the business time zone) as of the scheduled instant, never the clock at which a worker got to it.
/// </summary>
public sealed class NightlySchedule
{
    private static readonly TimeSpan[] Lookbacks = [TimeSpan.FromDays(2), TimeSpan.FromDays(32), TimeSpan.FromDays(400)];

    private readonly CronExpression _cron;
    private readonly TimeZoneInfo _zone;

    public NightlySchedule(string cron, TimeZoneInfo zone)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cron);
        var fields = cron.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;
        _cron = CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        _zone = zone ?? throw new ArgumentNullException(nameof(zone));
    }

    /// <summary>The latest scheduled instant at or before <paramref name="instant"/> (the instant itself when it is one).</summary>
    public DateTimeOffset LatestOccurrence(DateTimeOffset instant)
    {
        var to = instant.UtcDateTime;
        foreach (var lookback in Lookbacks)
        {
            var last = _cron.GetOccurrences(to - lookback, to, _zone, fromInclusive: true, toInclusive: true).LastOrDefault();
            if (last != default)
            {
                return new DateTimeOffset(last, TimeSpan.Zero);
            }
        }

        throw new InvalidOperationException($"the nightly schedule has no occurrence in the 400 days before {instant:O}");
    }

    /// <summary>True when <paramref name="instant"/> is exactly a scheduled occurrence (a trigger by hand is usually not).</summary>
    public bool IsOccurrence(DateTimeOffset instant) => LatestOccurrence(instant) == instant.ToUniversalTime();

    /// <summary>The business date and as-of instant of the nightly run scheduled at (or last before) <paramref name="instant"/>.</summary>
    public (DateOnly Date, DateTimeOffset AsOf) RunFor(DateTimeOffset instant)
    {
        var occurrence = LatestOccurrence(instant);
        var localDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(occurrence, _zone).DateTime);
        return (localDay.AddDays(-1), occurrence);
    }
}
