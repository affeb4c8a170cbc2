namespace Reconciler.Formats.Detection;

/// <summary>What a file turned out to hold: the entries to read, and the entries of an archive left aside (with why).</summary>
public sealed record DetectedFile(IReadOnlyList<InputEntry> Entries, IReadOnlyList<string> SkippedEntries);
