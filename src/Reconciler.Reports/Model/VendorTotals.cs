namespace Reconciler.Reports.Model;

/// <summary>What one vendor's delivery log says it delivered, failed, still has in flight, and what it cost.</summary>
public sealed record VendorTotals(string Vendor, long Events, long DeliveredQuantity, long Failed, long InFlight, decimal Cost);
