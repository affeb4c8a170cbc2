using Reconciler.Core.Evidence;

namespace Reconciler.Formats.Providers;

/// <summary>Reads Stripe's itemized payout reconciliation report (<c>stripe-payout</c>): the balance transactions each automatic payout settled.</summary>
public sealed class StripePayoutReconciliationReader : IFormatReader
{
    public const string FormatName = "stripe-payout";

    public string Format => FormatName;

    public EvidenceKind Kind => EvidenceKind.Settlement;

    public bool Recognises(FileSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return StripeReportCore.Recognises(sample, payoutFlavour: true);
    }

    public IEnumerable<ParsedRow> Read(Stream content, ReadContext context) =>
        StripeReportCore.Read(content, context, "itemized payout reconciliation report");
}
