using Reconciler.Core.Evidence;
using Reconciler.Formats.Parsing;

namespace Reconciler.Formats.Platform;

/// <summary>Reads the platform's daily orders export (<c>orders</c>): UTF-8 RFC 4180 with a header row.</summary>
public sealed class OrdersCsvReader : IFormatReader
{
    private static readonly string[] s_recognisedBy = ["order_no", "created_at", "amount", "pay_channel", "status"];

    public string Format => "orders";

    public EvidenceKind Kind => EvidenceKind.Orders;

    public bool Recognises(FileSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var names = HeaderedCsv.HeaderNames(sample.FirstUtf8Line, ',');
        return s_recognisedBy.All(c => names.Contains(c, StringComparer.OrdinalIgnoreCase));
    }

    public IEnumerable<ParsedRow> Read(Stream content, ReadContext context)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        return ReadRows(content, context);
    }

    private static IEnumerable<ParsedRow> ReadRows(Stream content, ReadContext context)
    {
        using var csv = HeaderedCsv.Open(content, TextEncodings.Utf8, ',', context.SourceName, PlatformOrderFields.Columns, context.Limits.MaxLineBytes);
        foreach (var row in csv.Rows(context.SourceName, c => Map(c, context.Options)))
        {
            yield return row;
        }
    }

    private static OrderRow Map(HeaderedCsv csv, FormatOptions options) =>
        new(csv.LineNumber, PlatformOrderFields.ToOrder(csv.Get, options));
}
