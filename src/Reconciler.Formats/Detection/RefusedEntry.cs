namespace Reconciler.Formats.Detection;

/// <summary>
/// A file, or an entry of an archive, refused before reading because it breaks a limit or a rule (empty
/// <see cref="EntryName"/>: the whole file); <see cref="Reason"/> is one line naming it and the limit.
/// </summary>
public sealed record RefusedEntry(string EntryName, string Reason);
