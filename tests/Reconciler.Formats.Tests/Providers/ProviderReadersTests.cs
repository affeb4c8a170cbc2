using Reconciler.Formats.Providers;

namespace Reconciler.Formats.Tests.Providers;

public class ProviderReadersTests
{
    [Theory]
    [InlineData("alipay_trade_with_refund.csv", "alipay-trade")]
    [InlineData("alipay_ledger_20261118.csv", "alipay-ledger")]
    [InlineData("payout_reconciliation_2026-11-18.csv", "stripe-payout")]
    [InlineData("balance_change_2026-11-18.csv", "stripe-balance")]
    [InlineData("settlement_detail_report_batch_412.csv", "adyen-settlement")]
    [InlineData("INN26010588ZM_777290058110097", "unionpay-zm")]
    public void Create_ReadersRecogniseExactlyTheirOwnFormat_WhenOfferedEachFixture(string fixture, string format)
    {
        var sample = ProviderFixtures.Sample(fixture);

        var recognising = ProviderReaders.Create(new FormatOptions()).Where(r => r.Recognises(sample)).Select(r => r.Format);

        recognising.Should().Equal(format);
    }
}
