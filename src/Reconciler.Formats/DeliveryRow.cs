using Reconciler.Core.Evidence;

namespace Reconciler.Formats;

/// <summary>A vendor delivery event.</summary>
public sealed record DeliveryRow(long LineNumber, DeliveryRecord Delivery) : ParsedRow(LineNumber);
