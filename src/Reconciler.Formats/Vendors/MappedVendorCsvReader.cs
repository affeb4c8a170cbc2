using System.Text;
using Reconciler.Core.Evidence;
using Reconciler.Formats.Parsing;

namespace Reconciler.Formats.Vendors;

/// <summary>Reads a vendor's delivery CSV whose layout a <see cref="CsvVendorMapping"/> describes.</summary>
public sealed class MappedVendorCsvReader : IFormatReader
{
    private readonly CsvVendorMapping _mapping;
    private readonly Encoding _encoding;
    private readonly char _separator;
    private readonly TimeZoneInfo _zone;
    private readonly string[] _columns;

    public MappedVendorCsvReader(CsvVendorMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        _mapping = mapping;
        var name = string.IsNullOrWhiteSpace(mapping.Format) ? "(unnamed)" : mapping.Format;
        if (string.IsNullOrWhiteSpace(mapping.Format))
        {
            throw new ArgumentException("A vendor mapping needs a Format name.", nameof(mapping));
        }

        if (string.IsNullOrWhiteSpace(mapping.Vendor) && string.IsNullOrWhiteSpace(mapping.VendorColumn))
        {
            throw new ArgumentException($"Vendor mapping {name}: set Vendor or VendorColumn.", nameof(mapping));
        }

        var required = new[] { mapping.VendorOrderIdColumn, mapping.OrderNoColumn, mapping.TargetAccountColumn, mapping.StatusColumn };
        if (required.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException(
                $"Vendor mapping {name}: VendorOrderIdColumn, OrderNoColumn, TargetAccountColumn and StatusColumn are required.",
                nameof(mapping));
        }

        _encoding = mapping.Encoding.Trim().ToLowerInvariant() switch
        {
            "utf-8" or "utf8" => TextEncodings.Utf8,
            "gbk" or "gb2312" or "cp936" => TextEncodings.Gbk,
            var other => throw new ArgumentException($"Vendor mapping {name}: encoding '{other}' is not supported; use utf-8 or gbk.", nameof(mapping)),
        };
        _separator = mapping.Delimiter switch
        {
            "\\t" or "tab" => '\t',
            { Length: 1 } single => single[0],
            var other => throw new ArgumentException($"Vendor mapping {name}: delimiter '{other}' must be one character.", nameof(mapping)),
        };
        _zone = Core.Time.BusinessCalendar.FindZone(mapping.TimeZone);

        // Every column the mapping names must be there: a mapped column that is missing would read as empty.
        _columns =
        [
            .. new[]
            {
                mapping.VendorColumn, mapping.VendorOrderIdColumn, mapping.OrderNoColumn, mapping.TargetAccountColumn,
                mapping.SkuColumn, mapping.QuantityColumn, mapping.FaceValueColumn, mapping.CostColumn,
                mapping.StatusColumn, mapping.FinishedAtColumn,
            }.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c!.Trim()).Distinct(StringComparer.OrdinalIgnoreCase),
        ];
    }

    public string Format => _mapping.Format;

    public EvidenceKind Kind => EvidenceKind.Delivery;

    public bool Recognises(FileSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var text = ReferenceEquals(_encoding, TextEncodings.Gbk) ? sample.GbkText : sample.Utf8Text;
        var names = HeaderedCsv.HeaderNames(FileSample.FirstLine(text), _separator);
        return _columns.All(c => names.Contains(c, StringComparer.OrdinalIgnoreCase));
    }

    public IEnumerable<ParsedRow> Read(Stream content, ReadContext context)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        return ReadRows(content, context);
    }

    private IEnumerable<ParsedRow> ReadRows(Stream content, ReadContext context)
    {
        using var csv = HeaderedCsv.Open(content, _encoding, _separator, context.SourceName, _columns, context.Limits.MaxLineBytes);
        foreach (var row in csv.Rows(context.SourceName, Map))
        {
            yield return row;
        }
    }

    private DeliveryRow Map(HeaderedCsv csv)
    {
        var m = _mapping;
        var statusText = csv.Get(m.StatusColumn);
        DeliveryStatus status;
        if (m.SuccessValuesOrDefault.Contains(statusText, StringComparer.OrdinalIgnoreCase))
        {
            status = DeliveryStatus.Success;
        }
        else if (m.FailedValuesOrDefault.Contains(statusText, StringComparer.OrdinalIgnoreCase))
        {
            status = DeliveryStatus.Failed;
        }
        else if (m.ProcessingValuesOrDefault.Contains(statusText, StringComparer.OrdinalIgnoreCase))
        {
            status = DeliveryStatus.Processing;
        }
        else
        {
            var known = m.SuccessValuesOrDefault.Concat(m.FailedValuesOrDefault).Concat(m.ProcessingValuesOrDefault);
            throw new FormatException($"field {m.StatusColumn}: '{statusText}' is not one of {string.Join(", ", known)}");
        }

        var vendor = m.VendorColumn is { Length: > 0 } vendorColumn
            ? FieldParsing.Required(vendorColumn, csv.Get(vendorColumn))
            : m.Vendor;
        var delivery = new DeliveryRecord(
            Vendor: vendor,
            VendorOrderId: FieldParsing.Required(m.VendorOrderIdColumn, csv.Get(m.VendorOrderIdColumn)),
            OrderNo: FieldParsing.Required(m.OrderNoColumn, csv.Get(m.OrderNoColumn)),
            TargetAccount: csv.Get(m.TargetAccountColumn),
            Sku: csv.GetOptional(m.SkuColumn),
            Quantity: m.QuantityColumn is { Length: > 0 } q ? FieldParsing.PositiveInt(q, csv.Get(q)) : 1,
            FaceValue: m.FaceValueColumn is { Length: > 0 } fv ? FieldParsing.OptionalDecimal(fv, csv.Get(fv)) : null,
            Cost: m.CostColumn is { Length: > 0 } c ? FieldParsing.OptionalDecimal(c, csv.Get(c)) : null,
            Status: status,
            FinishedAt: FinishedAt(csv),
            Voucher: m.VoucherColumn is { Length: > 0 } vc && csv.GetOptional(vc) is { Length: > 0 } voucher ? voucher : null);
        return new DeliveryRow(csv.LineNumber, delivery);
    }

    private DateTimeOffset? FinishedAt(HeaderedCsv csv)
    {
        if (_mapping.FinishedAtColumn is not { Length: > 0 } column)
        {
            return null;
        }

        var value = csv.Get(column);
        if (value.Length == 0)
        {
            return null;
        }

        if (_mapping.FinishedAtFormat is not { Length: > 0 } format)
        {
            return FieldParsing.OffsetTime(column, value);
        }

        // The format describes the vendor's offset-less times; a time that does carry an offset is still exact.
        try
        {
            return FieldParsing.WallClock(column, value, format, _zone);
        }
        catch (FormatException) when (FieldParsing.TryOffsetTime(value, out var withOffset))
        {
            return withOffset;
        }
    }
}
