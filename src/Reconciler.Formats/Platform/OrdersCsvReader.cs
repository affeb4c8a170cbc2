using Reconciler.Core.Evidence;
using Reconciler.Formats.Parsing;

namespace Reconciler.Formats.Platform;

/// <summary>Reads the platform's daily orders export (<c>orders</c>): UTF-8 RFC 4180 with a header row.</summary>
public sealed class OrdersCsvReader : IFormatReader
{
    private static readonly string[] s_columns =
    [
        "order_no", "created_at", "paid_at", "customer_id", "merchant_id", "product_type", "sku",
        "target_account", "quantity", "unit_price", "amount", "currency", "pay_channel", "status",
    ];

    private static readonly string[] s_recognisedBy = ["order_no", "created_at", "amount", "pay_channel", "status"];

    private static readonly HashSet<string> s_statuses =
        new(["created", "paid", "delivering", "delivered", "failed", "refunded", "cancelled"], StringComparer.Ordinal);

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
        using var csv = HeaderedCsv.Open(content, TextEncodings.Utf8, ',', context.SourceName, s_columns);
        foreach (var row in csv.Rows(context.SourceName, c => Map(c, context.Options)))
        {
            yield return row;
        }
    }

    private static OrderRow Map(HeaderedCsv csv, FormatOptions options)
    {
        var status = csv.Get("status").ToLowerInvariant();
        if (!s_statuses.Contains(status))
        {
            throw new FormatException(
                $"field status: '{csv.Get("status")}' is not one of {string.Join(", ", s_statuses)}");
        }

        var order = new OrderRecord(
            OrderNo: FieldParsing.Required("order_no", csv.Get("order_no")),
            CreatedAt: FieldParsing.OffsetTime("created_at", csv.Get("created_at")),
            PaidAt: FieldParsing.OptionalOffsetTime("paid_at", csv.Get("paid_at")),
            CustomerId: csv.Get("customer_id"),
            MerchantId: csv.Get("merchant_id"),
            ProductType: csv.Get("product_type"),
            Sku: csv.Get("sku"),
            TargetAccount: csv.Get("target_account"),
            Quantity: FieldParsing.PositiveInt("quantity", csv.Get("quantity")),
            UnitPrice: FieldParsing.NonNegativeDecimal("unit_price", csv.Get("unit_price")),
            Amount: FieldParsing.NonNegativeDecimal("amount", csv.Get("amount")),
            Currency: FieldParsing.Required("currency", csv.Get("currency")).ToUpperInvariant(),
            PayChannel: options.NormaliseChannel(FieldParsing.Required("pay_channel", csv.Get("pay_channel"))),
            Status: status);
        return new OrderRow(csv.LineNumber, order);
    }
}
