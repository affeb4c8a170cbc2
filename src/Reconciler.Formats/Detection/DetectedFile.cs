namespace Reconciler.Formats.Detection;

/// <summary>
/// What a file turned out to hold: the entries to read, the entries of an archive left aside as not detail files (with
/// why), and what was refused for breaking a limit (reported as rejected).
/// </summary>
public sealed record DetectedFile(IReadOnlyList<InputEntry> Entries, IReadOnlyList<string> SkippedEntries)
{
    public IReadOnlyList<RefusedEntry> Refused { get; init; } = [];
}
