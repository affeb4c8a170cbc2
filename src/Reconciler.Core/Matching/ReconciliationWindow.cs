using System.Globalization;

namespace Reconciler.Core.Matching;

/// <summary>The business date a run reconciles, its bounds in UTC, and the instant the run judges time from.</summary>
public sealed record ReconciliationWindow(DateOnly Date, DateTimeOffset DayStart, DateTimeOffset DayEnd, DateTimeOffset AsOf)
{
    /// <summary>
    /// The date's bounds as text (UTC, round-trip format), kept with what a run stores for the date and reads back later
    /// (the watch list, cached totals and attempts): a change of time zone changes the bounds and so the stored stamp.
    /// </summary>
    public string Bounds => string.Create(CultureInfo.InvariantCulture, $"{DayStart.ToUniversalTime():O}/{DayEnd.ToUniversalTime():O}");
}
