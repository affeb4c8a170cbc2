namespace Reconciler.Storage.Compensation;

/// <summary>One page of the queue list; <see cref="Next"/> is the <c>after</c> value of the next page, null on the last.</summary>
public sealed record CompensationPage(IReadOnlyList<CompensationListItem> Items, string? Next);
