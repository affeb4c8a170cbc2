using Reconciler.Storage.Importing;

namespace Reconciler.Jobs.Importing;

/// <summary>One inbox entry and what its import came to.</summary>
public sealed record ImportedEntry(string SourceName, string Sha256, FileImportOutcome Outcome);
