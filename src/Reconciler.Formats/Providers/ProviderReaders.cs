namespace Reconciler.Formats.Providers;

/// <summary>The payment-provider readers of this folder (Alipay, Stripe, Adyen, UnionPay), for the overall reader list.</summary>
public static class ProviderReaders
{
    public static IEnumerable<IFormatReader> Create(FormatOptions options)
    {
        // The readers take their settings from ReadContext.Options on every read; the parameter keeps one factory shape for all reader groups.
        ArgumentNullException.ThrowIfNull(options);
        return
        [
            new AlipayTradeReader(),
            new AlipayLedgerReader(),
            new StripePayoutReconciliationReader(),
            new StripeBalanceChangeReader(),
            new AdyenSettlementReader(),
            new UnionPayZmReader(),
        ];
    }
}
