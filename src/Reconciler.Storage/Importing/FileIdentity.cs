using Reconciler.Core.Evidence;

namespace Reconciler.Storage.Importing;

/// <summary>Who a file is: its SHA-256 (hex), the archive entry it came from (empty for plain files), and what it holds.</summary>
public sealed record FileIdentity(string Sha256, string EntryName, string SourceName, string Format, EvidenceKind Kind);
