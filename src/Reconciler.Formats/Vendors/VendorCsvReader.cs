using Reconciler.Core.Evidence;
using Reconciler.Formats.Parsing;

namespace Reconciler.Formats.Vendors;

/// <summary>Reads a vendor delivery log in the platform's own <c>vendor-csv</c> layout (UTF-8, RFC 4180, header row).</summary>
public sealed class VendorCsvReader : IFormatReader
{
    private static readonly string[] s_columns =
    [
        "vendor", "vendor_order_id", "order_no", "target_account", "sku", "quantity",
        "face_value", "cost", "status", "voucher", "finished_at",
    ];

    public string Format => "vendor-csv";

    public EvidenceKind Kind => EvidenceKind.Delivery;

    public bool Recognises(FileSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var names = HeaderedCsv.HeaderNames(sample.FirstUtf8Line, ',');
        return s_columns.All(c => names.Contains(c, StringComparer.OrdinalIgnoreCase));
    }

    public IEnumerable<ParsedRow> Read(Stream content, ReadContext context)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        return ReadRows(content, context);
    }

    private static IEnumerable<ParsedRow> ReadRows(Stream content, ReadContext context)
    {
        using var csv = HeaderedCsv.Open(content, TextEncodings.Utf8, ',', context.SourceName, s_columns, context.Limits.MaxLineBytes);
        foreach (var row in csv.Rows(context.SourceName, Map))
        {
            yield return row;
        }
    }

    private static DeliveryRow Map(HeaderedCsv csv)
    {
        var status = csv.Get("status").ToLowerInvariant() switch
        {
            "success" => DeliveryStatus.Success,
            "failed" => DeliveryStatus.Failed,
            "processing" => DeliveryStatus.Processing,
            _ => throw new FormatException($"field status: '{csv.Get("status")}' is not one of success, failed, processing"),
        };

        // A finished attempt without its time is still kept: losing a success would make the order look undelivered.
        var delivery = new DeliveryRecord(
            Vendor: FieldParsing.Required("vendor", csv.Get("vendor")),
            VendorOrderId: FieldParsing.Required("vendor_order_id", csv.Get("vendor_order_id")),
            OrderNo: FieldParsing.Required("order_no", csv.Get("order_no")),
            TargetAccount: csv.Get("target_account"),
            Sku: csv.Get("sku"),
            Quantity: FieldParsing.PositiveInt("quantity", csv.Get("quantity")),
            FaceValue: FieldParsing.OptionalDecimal("face_value", csv.Get("face_value")),
            Cost: FieldParsing.OptionalDecimal("cost", csv.Get("cost")),
            Status: status,
            FinishedAt: FieldParsing.OptionalOffsetTime("finished_at", csv.Get("finished_at")),
            Voucher: csv.Get("voucher") is { Length: > 0 } voucher ? voucher : null);
        return new DeliveryRow(csv.LineNumber, delivery);
    }
}
