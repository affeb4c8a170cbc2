namespace Reconciler.Storage.Reporting;

/// <summary>One vendor's delivery events for the date's orders.</summary>
public sealed record VendorTotalsRow(string Vendor, long Events, long DeliveredQuantity, long Failed, long InFlight, decimal Cost);
