using Reconciler.Formats.Detection;

namespace Reconciler.Jobs.Importing;

/// <summary>An inbox entry whose format is known and whose file's bytes are hashed, ready to import.</summary>
public sealed record PlannedEntry(InputEntry Entry, string Sha256)
{
    /// <summary>
    /// Its share of the inbox's bytes (the file's length, or an archive's length over its entries): what the runner
    /// weighs lanes by, so that the largest start first.
    /// </summary>
    public long Bytes { get; init; }
}
