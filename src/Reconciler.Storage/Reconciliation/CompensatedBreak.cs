namespace Reconciler.Storage.Reconciliation;

/// <summary>
/// A compensation that was claimed or completed for a break that has since resolved, or that now pays more than the
/// break is worth (a provider refund came after it): someone has to recover the money.
/// </summary>
public sealed record CompensatedBreak(
    string RequestId,
    string? OrderNo,
    string Kind,
    string State,
    decimal Amount,
    decimal? NowOwed,
    string? Currency,
    string? Provider,
    string? ProviderTxnId,
    string? Vendor,
    DateOnly BusinessDate);
