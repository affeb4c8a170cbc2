using Reconciler.Core.Matching;

namespace Reconciler.Storage.Reconciliation;

/// <summary>
/// Folds one order's money and delivery rows into its <see cref="OrderEvidence"/>, with the rules the set-based query
/// had: a provider line counts once however many files carry it; a delivery event counts once however many files list
/// it, and as often as the file listing it most often does (parts of a batch alike in every field); a vendor order is
/// in flight while all it has shown is "processing". The dictionaries are reused from order to order: memory is one
/// order's rows, whatever the size of the day.
/// </summary>
internal sealed class EvidenceFold(IReadOnlyDictionary<MoneyKey, SharedMoneyLine> shared, EvidenceTally? tally, ReconciliationWindow window)
{
    // What btrim(x, E' \t\r\n') took off: spaces, tabs and line ends a vendor log may carry around an account.
    private static readonly char[] Blank = [' ', '\t', '\r', '\n'];

    // One order's few rows each: searched in turn, not hashed (hashing the strings of every key was a tenth of the
    // merge's CPU at a million orders).
    private readonly SmallMap<MoneyKey, (string TxnId, decimal Gross, DateTimeOffset OccurredAt)> _lines = new();
    private readonly SmallMap<(DeliveryEventKey Event, long FileId), int> _perFile = new();
    private readonly SmallMap<DeliveryEventKey, long> _events = new();
    private readonly SmallMap<(string Vendor, string VendorOrderId), bool> _processingOnly = new();
    private bool _sharesALine;

    /// <summary>
    /// Whether the order last completed had a money line whose copies name another order too: which of them the line
    /// counts for depends on which of them are looked at, so a rerun must look at it again (the watch list keeps it).
    /// </summary>
    public bool SharedALine { get; private set; }

    public void AddMoney(in MoneyRow row)
    {
        var key = new MoneyKey(row.Provider, row.EntryType, row.EntryRef);
        // Almost always empty: no line to look up then.
        if (shared.Count > 0 && shared.TryGetValue(key, out var line))
        {
            _sharesALine = true;
            if (string.Equals(line.OrderNo, row.OrderNo, StringComparison.Ordinal))
            {
                _lines.Set(key, (line.TxnId, line.Gross, line.OccurredAt));
            }

            return;
        }

        _lines.Set(key, _lines.TryGetValue(key, out var seen) ? Least((row.TxnId, row.Gross, row.OccurredAt), seen) : (row.TxnId, row.Gross, row.OccurredAt));
    }

    /// <summary>
    /// Two copies of one provider line as one: copies are alike; where they are not, the least of each value counts (as
    /// min() did in the database), the transaction id in code point order.
    /// </summary>
    public static (string TxnId, decimal Gross, DateTimeOffset OccurredAt) Least(
        (string TxnId, decimal Gross, DateTimeOffset OccurredAt) a, (string TxnId, decimal Gross, DateTimeOffset OccurredAt) b) =>
        (CodePointOrder.Instance.Compare(a.TxnId, b.TxnId) < 0 ? a.TxnId : b.TxnId,
         Math.Min(a.Gross, b.Gross),
         a.OccurredAt < b.OccurredAt ? a.OccurredAt : b.OccurredAt);

    public void AddDelivery(in DeliveryRow row)
    {
        var key = (row.Event, row.FileId);
        _perFile.Set(key, _perFile.GetValueOrDefault(key) + 1);
    }

    /// <summary>The order's evidence from the rows added since the last call.</summary>
    public OrderEvidence Complete(ScopeOrder order, bool settlementMissing)
    {
        var paymentCount = 0;
        decimal paymentGross = 0, refunds = 0, chargebacks = 0;
        DateTimeOffset? firstPayment = null;
        List<string>? providers = null, txnIds = null;
        for (var i = 0; i < _lines.Count; i++)
        {
            var (key, line) = _lines[i];
            switch (key.EntryType)
            {
                case "payment":
                    paymentCount++;
                    paymentGross += line.Gross;
                    firstPayment = firstPayment is { } first && first <= line.OccurredAt ? first : line.OccurredAt;
                    (providers ??= []).Add(key.Provider);
                    (txnIds ??= []).Add(line.TxnId);
                    break;
                case "refund":
                    refunds += line.Gross;
                    break;
                case "chargeback":
                    chargebacks += line.Gross;
                    break;
                case "chargeback_reversal":
                    chargebacks -= line.Gross;
                    break;
            }
        }

        // An event counts as often as the file listing it most often does.
        for (var i = 0; i < _perFile.Count; i++)
        {
            var ((evt, _), copies) = _perFile[i];
            _events.Set(evt, Math.Max(_events.GetValueOrDefault(evt), copies));
        }

        long delivered = 0, wrong = 0;
        List<string>? vendors = null;
        var target = order.TargetAccount.Trim(Blank);
        var countTotals = tally is not null && order.CreatedAt >= window.DayStart && order.CreatedAt < window.DayEnd;
        for (var i = 0; i < _events.Count; i++)
        {
            var (evt, copies) = _events[i];
            var vendorOrder = (evt.Vendor, evt.VendorOrderId);
            var processing = evt.Status == "processing";
            if (_processingOnly.TryGetValue(vendorOrder, out var onlyProcessing))
            {
                _processingOnly.Set(vendorOrder, onlyProcessing && processing);
            }
            else
            {
                _processingOnly.Set(vendorOrder, processing);
                (vendors ??= []).Add(evt.Vendor);
            }

            if (evt.Status == "success")
            {
                if (string.Equals(evt.TargetAccount.Trim(Blank), target, StringComparison.Ordinal))
                {
                    delivered += evt.Quantity * copies;
                }
                else
                {
                    wrong += evt.Quantity * copies;
                }
            }

            if (countTotals)
            {
                tally!.AddEvent(evt, copies);
            }
        }

        var inFlight = false;
        for (var i = 0; i < _processingOnly.Count; i++)
        {
            inFlight |= _processingOnly[i].Value;
        }

        if (countTotals)
        {
            tally!.AddOrder(order);
            // The incidents' attempts count rows (each file's copies), not events.
            var attempts = tally.Attempts;
            for (var i = 0; i < _perFile.Count; i++)
            {
                var ((evt, _), rows) = _perFile[i];
                attempts.AddRows(order.OrderNo, evt.Vendor, evt.Status, evt.FinishedAt, rows);
            }

            for (var i = 0; i < _processingOnly.Count; i++)
            {
                if (_processingOnly[i].Value)
                {
                    attempts.AddInFlight(order.OrderNo, _processingOnly[i].Key.Vendor);
                }
            }
        }

        var evidence = new OrderEvidence
        {
            OrderNo = order.OrderNo,
            CreatedAt = order.CreatedAt,
            PaidAt = order.PaidAt,
            ProductType = order.ProductType,
            Quantity = order.Quantity,
            Amount = order.Amount,
            Currency = order.Currency,
            PayChannel = order.PayChannel,
            PaymentCount = paymentCount,
            PaymentGross = paymentGross,
            RefundTotal = refunds,
            ChargebackTotal = chargebacks,
            FirstPaymentAt = firstPayment,
            Provider = SortedSet(providers),
            ProviderTxnId = SortedSet(txnIds),
            Vendor = SortedSet(vendors),
            DeliveredQuantity = checked((int)delivered),
            WrongAccountQuantity = checked((int)wrong),
            InFlight = inFlight,
            SettlementMissing = settlementMissing,
        };
        SharedALine = _sharesALine;
        _sharesALine = false;
        _lines.Clear();
        _perFile.Clear();
        _events.Clear();
        _processingOnly.Clear();
        return evidence;
    }

    /// <summary>A comma-joined list, de-duplicated and sorted ordinally (the same on every server).</summary>
    internal static string? SortedSet(List<string>? values)
    {
        if (values is null)
        {
            return null;
        }

        // One value without a comma is itself (most orders: one provider, one transaction, one vendor).
        if (values.Count == 1 && !values[0].Contains(',', StringComparison.Ordinal))
        {
            return values[0];
        }

        // Joined and split again, as the comma-joined list from the database was: a value holding a comma splits.
        var items = string.Join(',', values).Split(',');
        return items.Length == 1 ? items[0] : string.Join(',', items.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
    }
}
