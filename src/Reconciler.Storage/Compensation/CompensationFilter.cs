namespace Reconciler.Storage.Compensation;

/// <summary>What the queue list shows: by state, business date and kind, a page of <see cref="Limit"/> after request id <see cref="After"/>.</summary>
public sealed record CompensationFilter(string? State = null, DateOnly? Date = null, string? Kind = null, string? After = null, int Limit = 100);
