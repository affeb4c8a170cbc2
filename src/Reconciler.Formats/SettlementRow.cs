using Reconciler.Core.Evidence;

namespace Reconciler.Formats;

/// <summary>A provider settlement line.</summary>
public sealed record SettlementRow(long LineNumber, SettlementRecord Settlement) : ParsedRow(LineNumber);
