using System.Globalization;
using System.Text.Json;
using Reconciler.Core.Evidence;
using Reconciler.Formats.Parsing;

namespace Reconciler.Formats.Vendors;

/// <summary>Reads the fulu supplier's order query results (<c>fulu-jsonl</c>): one JSON object per line.</summary>
public sealed class FuluJsonlReader : IFormatReader
{
    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss";

    public string Format => "fulu-jsonl";

    public EvidenceKind Kind => EvidenceKind.Delivery;

    public bool Recognises(FileSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var first = sample.FirstUtf8Line.Trim().TrimStart('\uFEFF');
        if (!first.StartsWith('{'))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(first);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("customer_order_no", out _)
                && root.TryGetProperty("order_status", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public IEnumerable<ParsedRow> Read(Stream content, ReadContext context)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        return ReadLines(content, context);
    }

    private static IEnumerable<ParsedRow> ReadLines(Stream content, ReadContext context)
    {
        using var text = new StreamReader(content, TextEncodings.Utf8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        long lineNumber = 0;
        string? line;
        while ((line = text.ReadLine()) is not null)
        {
            lineNumber++;
            var json = line.Trim().TrimStart('\uFEFF');
            if (json.Length == 0)
            {
                continue;
            }

            yield return Map(context.SourceName, lineNumber, line, json);
        }
    }

    private static ParsedRow Map(string source, long lineNumber, string line, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new QuarantinedRow(lineNumber, line, $"{source} line {lineNumber}: not a JSON object");
            }

            return new DeliveryRow(lineNumber, ToRecord(document.RootElement));
        }
        catch (JsonException ex)
        {
            return new QuarantinedRow(lineNumber, line, $"{source} line {lineNumber}: not valid JSON ({ex.Message})");
        }
        catch (FormatException ex)
        {
            return new QuarantinedRow(lineNumber, line, $"{source} line {lineNumber}, {ex.Message}");
        }
    }

    private static DeliveryRecord ToRecord(JsonElement root)
    {
        var status = Text(root, "order_status").ToLowerInvariant() switch
        {
            "success" => DeliveryStatus.Success,
            "failed" => DeliveryStatus.Failed,
            "processing" or "untreated" => DeliveryStatus.Processing,
            var other => throw new FormatException(
                $"field order_status: '{other}' is not one of success, failed, processing, untreated"),
        };

        var finished = Text(root, "charge_finish_time");
        return new DeliveryRecord(
            Vendor: "fulu",
            VendorOrderId: FieldParsing.Required("order_id", Text(root, "order_id")),
            OrderNo: FieldParsing.Required("customer_order_no", Text(root, "customer_order_no")),
            TargetAccount: Text(root, "charge_account"),
            Sku: Text(root, "product_id"),
            Quantity: FieldParsing.PositiveInt("buy_num", Text(root, "buy_num")),
            FaceValue: null,
            Cost: FieldParsing.OptionalDecimal("order_price", Text(root, "order_price")),
            Status: status,
            FinishedAt: finished.Length == 0
                ? null
                : FieldParsing.WallClock("charge_finish_time", finished, TimeFormat, FieldParsing.Beijing),
            Voucher: Text(root, "operator_serial_number") is { Length: > 0 } serial ? serial : null);
    }

    /// <summary>
    /// A property as text, whether the supplier sent it as a JSON string or a JSON number (it does both);
    /// missing and null read as empty.
    /// </summary>
    private static string Text(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return string.Empty;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!.Trim(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.Null => string.Empty,
            _ => throw new FormatException(
                $"field {name}: a JSON {value.ValueKind.ToString().ToLower(CultureInfo.InvariantCulture)} where text or a number was expected"),
        };
    }
}
