using Reconciler.Core.Evidence;

namespace Reconciler.Formats.Providers;

/// <summary>Reads Stripe's itemized balance change from activity report (<c>stripe-balance</c>): every balance transaction, paid out or not.</summary>
public sealed class StripeBalanceChangeReader : IFormatReader
{
    public const string FormatName = "stripe-balance";

    public string Format => FormatName;

    public EvidenceKind Kind => EvidenceKind.Settlement;

    public bool Recognises(FileSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return StripeReportCore.Recognises(sample, payoutFlavour: false);
    }

    public IEnumerable<ParsedRow> Read(Stream content, ReadContext context) =>
        StripeReportCore.Read(content, context, "itemized balance change from activity report");
}
