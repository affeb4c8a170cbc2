using Reconciler.Core.Matching;
using Reconciler.Storage.Reconciliation;

namespace Reconciler.Storage.Tests.Support;

/// <summary>Findings as the matching rules would produce them, for the writer to store.</summary>
internal static class Findings
{
    public static Finding Pending(string orderNo) =>
        ForOrder(orderNo, FindingKind.Pending, CompensationAction.None, null, "charged 648.00, not delivered yet; within the 30 min SLA");

    public static Finding ChargedNotDelivered(string orderNo, decimal refund = 648.00m) =>
        ForOrder(orderNo, FindingKind.ChargedNotDelivered, CompensationAction.Refund, refund, "charged 648.00, nothing delivered after 45 min");

    public static Finding PartiallyDelivered(string orderNo, decimal refund) =>
        ForOrder(orderNo, FindingKind.PartiallyDelivered, CompensationAction.Refund, refund, "delivered 1 of 2");

    public static Finding WrongAccount(string orderNo) =>
        ForOrder(orderNo, FindingKind.DeliveredWrongAccount, CompensationAction.ManualReview, null, "delivered to 13800138001, ordered for 13800138000");

    public static Finding Orphan(string provider, string txnId, decimal gross) =>
        new(FindingIdentity.ForOrphan(provider, txnId, FindingKind.OrphanCharge), FindingKind.OrphanCharge, null, provider, txnId, null,
            null, gross, null, null, "CNY", CompensationAction.ManualReview, null, "payment names no known order");

    /// <summary>The finding a run stages for a compensation whose break resolved (as the runner makes it).</summary>
    public static Finding CompensatedButResolved(CompensatedBreak compensated) =>
        new(FindingIdentity.ForOrder(compensated.OrderNo!, FindingKind.CompensatedButResolved), FindingKind.CompensatedButResolved,
            compensated.OrderNo, compensated.Provider, compensated.ProviderTxnId, compensated.Vendor, null, null, null, null,
            compensated.Currency, CompensationAction.ManualReview, -compensated.Amount, "compensation paid, but the break resolved");

    private static Finding ForOrder(string orderNo, FindingKind kind, CompensationAction action, decimal? compensation, string detail) =>
        new(FindingIdentity.ForOrder(orderNo, kind), kind, orderNo, "wechat", "4200002345202611181234567890", "fulu",
            648.00m, 648.00m, 0, 1, "CNY", action, compensation, detail);
}
