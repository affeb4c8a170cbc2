using System.Text.Json;
using Reconciler.Storage.Incidents;
using Reconciler.Storage.Reporting;

namespace Reconciler.Storage.Reconciliation;

/// <summary>
/// The report's order and vendor totals of the date, counted while the evidence merge passes over the date's orders
/// (orders carried over from earlier dates are not counted): the same figures as <see cref="ReportStore.OrderTotalsAsync"/>
/// and <see cref="ReportStore.VendorTotalsAsync"/>, without a second pass over a million rows.
/// </summary>
public sealed class EvidenceTally : IDisposable
{
    private readonly Dictionary<(string Channel, string Currency), (long Count, decimal Amount)> _orders = [];
    private readonly Dictionary<string, (long Events, long Delivered, long Failed, long InFlight, decimal Cost)> _vendors = new(StringComparer.Ordinal);

    /// <summary>Whether the merge ran to its end (a tally of a run cut short is not a day's totals).</summary>
    public bool Complete { get; private set; }

    /// <summary>
    /// The date's delivery attempts for the incidents, counted by a full look (<see cref="DeliveryAttempts.Inputs"/> is
    /// set once it completed); a look at the watch list alone counts none, and the incidents read their own.
    /// </summary>
    public DeliveryAttempts Attempts { get; } = new();

    public IReadOnlyList<OrderTotalsRow> Orders =>
        _orders.OrderBy(o => o.Key.Channel, CodePointOrder.Instance).ThenBy(o => o.Key.Currency, CodePointOrder.Instance)
            .Select(o => new OrderTotalsRow(o.Key.Channel, o.Key.Currency, o.Value.Count, o.Value.Amount))
            .ToList();

    public IReadOnlyList<VendorTotalsRow> Vendors =>
        _vendors.OrderBy(v => v.Key, CodePointOrder.Instance)
            .Select(v => new VendorTotalsRow(v.Key, v.Value.Events, v.Value.Delivered, v.Value.Failed, v.Value.InFlight, v.Value.Cost))
            .ToList();

    internal void MarkComplete() => Complete = true;

    /// <summary>The totals as stored with a date's evidence stamp.</summary>
    internal string ToJson() => JsonSerializer.Serialize(new StoredTotals(Orders, Vendors));

    /// <summary>Takes the totals a full look at unchanged evidence counted.</summary>
    internal void Restore(string json)
    {
        var stored = JsonSerializer.Deserialize<StoredTotals>(json) ?? throw new InvalidOperationException("an evidence stamp without totals");
        _orders.Clear();
        _vendors.Clear();
        foreach (var o in stored.Orders)
        {
            _orders[(o.Channel ?? string.Empty, o.Currency)] = (o.Count, o.Amount);
        }

        foreach (var v in stored.Vendors)
        {
            _vendors[v.Vendor] = (v.Events, v.DeliveredQuantity, v.Failed, v.InFlight, v.Cost);
        }

        Complete = true;
    }

    private sealed record StoredTotals(IReadOnlyList<OrderTotalsRow> Orders, IReadOnlyList<VendorTotalsRow> Vendors);

    internal void AddOrder(ScopeOrder order)
    {
        var key = (order.PayChannel, order.Currency);
        var (count, amount) = _orders.GetValueOrDefault(key);
        _orders[key] = (count + 1, amount + order.Amount);
    }

    internal void AddEvent(in DeliveryEventKey evt, long copies)
    {
        var (events, delivered, failed, inFlight, cost) = _vendors.GetValueOrDefault(evt.Vendor);
        events += copies;
        switch (evt.Status)
        {
            case "success":
                delivered += evt.Quantity * copies;
                cost += (evt.Cost ?? 0) * copies;
                break;
            case "failed":
                failed += copies;
                break;
            case "processing":
                inFlight += copies;
                break;
        }

        _vendors[evt.Vendor] = (events, delivered, failed, inFlight, cost);
    }

    /// <summary>Closes what <see cref="Attempts"/> keeps on disk.</summary>
    public void Dispose() => Attempts.Dispose();
}
