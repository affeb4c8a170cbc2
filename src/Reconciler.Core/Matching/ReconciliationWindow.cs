namespace Reconciler.Core.Matching;

/// <summary>The business date a run reconciles, its bounds in UTC, and the instant the run judges time from.</summary>
public sealed record ReconciliationWindow(DateOnly Date, DateTimeOffset DayStart, DateTimeOffset DayEnd, DateTimeOffset AsOf);
