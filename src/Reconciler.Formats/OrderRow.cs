using Reconciler.Core.Evidence;

namespace Reconciler.Formats;

/// <summary>A platform order read from a line.</summary>
public sealed record OrderRow(long LineNumber, OrderRecord Order) : ParsedRow(LineNumber);
