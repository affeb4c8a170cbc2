namespace Reconciler.Jobs.Importing;

/// <summary>What the inbox holds: entries to import, archive entries that are no detail files, and what is refused.</summary>
public sealed record InboxPlan(IReadOnlyList<PlannedEntry> Entries, IReadOnlyList<string> SkippedEntries, IReadOnlyList<RefusedFile> Refused);
