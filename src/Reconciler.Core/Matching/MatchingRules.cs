using System.Globalization;

namespace Reconciler.Core.Matching;

/// <summary>
/// DESIGN.md's matching table as pure code: given one order's aggregated evidence, the findings it carries.
/// Where the table is silent the rules never ask the compensation workflow to pay more than was charged.
/// </summary>
public sealed class MatchingRules(MatchingPolicy policy)
{
    private readonly MatchingPolicy _policy = policy ?? throw new ArgumentNullException(nameof(policy));

    public IReadOnlyList<Finding> Evaluate(OrderEvidence order, ReconciliationWindow window)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(window);
        var findings = new List<Finding>(2);
        var net = order.NetCharged;

        // The duplicate refund comes first; what the other rules refund is what remains charged after it,
        // so a duplicate charge on an undelivered order never pays back more than the customer paid.
        var duplicateRefund = 0m;
        if (order.PaymentCount >= 2)
        {
            var excess = net - order.Amount;
            if (excess > 0)
            {
                duplicateRefund = excess;
                findings.Add(Make(order, FindingKind.DuplicateCharge, CompensationAction.Refund, excess,
                    Invariant($"{order.PaymentCount} payments of {order.PaymentGross:0.00} in all for an order of {order.Amount:0.00}")));
            }
        }

        if (order.PaymentCount == 1 && Math.Abs(order.PaymentGross - order.Amount) > _policy.AmountTolerance)
        {
            findings.Add(Make(order, FindingKind.AmountMismatch, CompensationAction.ManualReview, null,
                Invariant($"charged {order.PaymentGross:0.00}, order says {order.Amount:0.00}")));
        }

        if (order.WrongAccountQuantity > 0)
        {
            findings.Add(Make(order, FindingKind.DeliveredWrongAccount, CompensationAction.ManualReview, null,
                Invariant($"{order.WrongAccountQuantity} of {order.Quantity} delivered to another account than {order.OrderNo}'s target")));
        }

        var remaining = net - duplicateRefund;
        if (remaining > 0)
        {
            EvaluateCharged(order, window, remaining, findings);
        }
        else if (order.PaymentCount == 0)
        {
            EvaluateUncharged(order, window, findings);
        }

        return findings;
    }

    /// <summary>
    /// Whether <paramref name="order"/>'s evidence can give no finding at any instant, whatever the SLA, hold limit,
    /// settlement state or product: paid exactly once for the ordered amount (within the tolerance), nothing delivered
    /// to another account, and at least the ordered quantity delivered. Such an order only changes when its evidence
    /// does, so a rerun over unchanged evidence need not look at it again (a property test holds this to
    /// <see cref="Evaluate"/>).
    /// </summary>
    public bool CannotBreak(OrderEvidence order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return order.PaymentCount == 1
            && Math.Abs(order.PaymentGross - order.Amount) <= _policy.AmountTolerance
            && order.WrongAccountQuantity == 0
            && order.DeliveredQuantity >= Math.Max(order.Quantity, 1);
    }

    public static Finding EvaluateOrphan(PaymentEvidence payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var detail = string.IsNullOrEmpty(payment.OrderNo)
            ? "payment names no order number"
            : $"payment names order {payment.OrderNo}, which the platform does not know";
        return new Finding(
            FindingIdentity.ForOrphan(payment.Provider, payment.ProviderTxnId, FindingKind.OrphanCharge),
            FindingKind.OrphanCharge,
            string.IsNullOrEmpty(payment.OrderNo) ? null : payment.OrderNo,
            payment.Provider,
            payment.ProviderTxnId,
            Vendor: null,
            ExpectedAmount: null,
            ChargedAmount: payment.Gross,
            DeliveredQuantity: null,
            OrderedQuantity: null,
            payment.Currency,
            CompensationAction.ManualReview,
            CompensationAmount: null,
            detail);
    }

    private void EvaluateCharged(OrderEvidence order, ReconciliationWindow window, decimal remaining, List<Finding> findings)
    {
        var undelivered = order.DeliveredQuantity == 0 && order.WrongAccountQuantity == 0;
        var partial = order.DeliveredQuantity > 0 && order.DeliveredQuantity < order.Quantity;
        if (!undelivered && !partial)
        {
            return;
        }

        var since = order.PaidAt ?? order.FirstPaymentAt ?? order.CreatedAt;
        var waited = window.AsOf - since;
        var sla = _policy.DeliverySlaFor(order.ProductType);
        var held = waited >= _policy.HoldLimit;
        if (!held && (order.InFlight || waited < sla))
        {
            var why = order.InFlight ? "delivery still in flight at the vendor" : "within the delivery SLA";
            findings.Add(Make(order, FindingKind.Pending, CompensationAction.None, null,
                Invariant($"charged {remaining:0.00}, {why} ({FormatWait(waited)} since payment)")));
            return;
        }

        var action = _policy.UndeliveredActionFor(order.ProductType);
        var escalated = order.InFlight ? Invariant($"; escalated: in flight for {FormatWait(waited)}, past the hold limit") : string.Empty;
        if (undelivered)
        {
            findings.Add(Make(order, FindingKind.ChargedNotDelivered, action, remaining,
                Invariant($"charged {remaining:0.00}, nothing delivered{escalated}")));
        }
        else
        {
            var missing = order.Quantity - order.DeliveredQuantity;
            var refund = Math.Round(remaining * missing / order.Quantity, 2, MidpointRounding.ToEven);
            findings.Add(Make(order, FindingKind.PartiallyDelivered, action, refund,
                Invariant($"{order.DeliveredQuantity} of {order.Quantity} delivered; {missing} missing{escalated}")));
        }
    }

    private void EvaluateUncharged(OrderEvidence order, ReconciliationWindow window, List<Finding> findings)
    {
        var deliveredAnywhere = order.DeliveredQuantity + order.WrongAccountQuantity > 0;
        if (order.SettlementMissing && (deliveredAnywhere || order.PaidAt is not null))
        {
            findings.Add(Make(order, FindingKind.Pending, CompensationAction.None, null,
                $"settlement file missing for {order.PayChannel}"));
            return;
        }

        if (!deliveredAnywhere)
        {
            return;
        }

        if (order.CreatedAt < window.DayEnd - _policy.SettlementGrace)
        {
            findings.Add(Make(order, FindingKind.DeliveredNotCharged, CompensationAction.ManualReview, null,
                Invariant($"{order.DeliveredQuantity + order.WrongAccountQuantity} delivered, no payment in any settlement file")));
        }
        else
        {
            findings.Add(Make(order, FindingKind.Pending, CompensationAction.None, null,
                "delivered, payment may still be settling (created within the settlement grace)"));
        }
    }

    private static Finding Make(OrderEvidence order, FindingKind kind, CompensationAction action, decimal? amount, string detail) =>
        new(
            FindingIdentity.ForOrder(order.OrderNo, kind),
            kind,
            order.OrderNo,
            order.Provider ?? order.PayChannel,
            order.ProviderTxnId,
            order.Vendor,
            order.Amount,
            order.NetCharged,
            order.DeliveredQuantity + order.WrongAccountQuantity,
            order.Quantity,
            order.Currency,
            action,
            amount,
            detail);

    private static string FormatWait(TimeSpan waited) =>
        waited.TotalHours >= 1
            ? Invariant($"{Math.Floor(waited.TotalHours):0} h {waited.Minutes:0} min")
            : Invariant($"{Math.Max(0, Math.Floor(waited.TotalMinutes)):0} min");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
