using Reconciler.Core.Evidence;
using Reconciler.Formats.Parsing;

namespace Reconciler.Formats.Platform;

/// <summary>
/// The platform's order columns and how their text becomes an <see cref="OrderRecord"/>: one validation for the
/// export file and for rows read from the platform's database.
/// </summary>
public static class PlatformOrderFields
{
    private static readonly HashSet<string> s_statuses =
        new(["created", "paid", "delivering", "delivered", "failed", "refunded", "cancelled"], StringComparer.Ordinal);

    public static IReadOnlyList<string> Columns { get; } =
    [
        "order_no", "created_at", "paid_at", "customer_id", "merchant_id", "product_type", "sku",
        "target_account", "quantity", "unit_price", "amount", "currency", "pay_channel", "status",
    ];

    /// <summary>Builds the order from its fields' text; throws <see cref="FormatException"/> naming the field.</summary>
    public static OrderRecord ToOrder(Func<string, string> get, FormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(get);
        ArgumentNullException.ThrowIfNull(options);
        var status = get("status").Trim().ToLowerInvariant();
        if (!s_statuses.Contains(status))
        {
            throw new FormatException($"field status: '{get("status")}' is not one of {string.Join(", ", s_statuses)}");
        }

        return new OrderRecord(
            OrderNo: FieldParsing.Required("order_no", get("order_no")),
            CreatedAt: FieldParsing.OffsetTime("created_at", get("created_at")),
            PaidAt: FieldParsing.OptionalOffsetTime("paid_at", get("paid_at")),
            CustomerId: get("customer_id"),
            MerchantId: get("merchant_id"),
            ProductType: get("product_type"),
            Sku: get("sku"),
            TargetAccount: get("target_account"),
            Quantity: FieldParsing.PositiveInt("quantity", get("quantity")),
            UnitPrice: FieldParsing.NonNegativeDecimal("unit_price", get("unit_price")),
            Amount: FieldParsing.NonNegativeDecimal("amount", get("amount")),
            Currency: FieldParsing.Required("currency", get("currency")).ToUpperInvariant(),
            PayChannel: options.NormaliseChannel(FieldParsing.Required("pay_channel", get("pay_channel"))),
            Status: status);
    }
}
