using Reconciler.Formats.Detection;

namespace Reconciler.Jobs.Importing;

/// <summary>An inbox entry whose format is known and whose file's bytes are hashed, ready to import.</summary>
public sealed record PlannedEntry(InputEntry Entry, string Sha256);
