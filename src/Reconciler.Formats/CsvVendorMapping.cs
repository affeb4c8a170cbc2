namespace Reconciler.Formats;

/// <summary>
/// A vendor's delivery CSV described in configuration: which header names carry which field, and which of its
/// status values mean success, failure or still processing. The file is recognised by its header row.
/// </summary>
public sealed class CsvVendorMapping
{
    /// <summary>The format name (also the subfolder name that forces it), e.g. <c>vendor-acme</c>.</summary>
    public string Format { get; set; } = string.Empty;

    /// <summary>The vendor name stored on every event; a <see cref="VendorColumn"/> overrides it per row.</summary>
    public string Vendor { get; set; } = string.Empty;

    public string Encoding { get; set; } = "utf-8";

    public string Delimiter { get; set; } = ",";

    public string? VendorColumn { get; set; }

    public string VendorOrderIdColumn { get; set; } = string.Empty;

    public string OrderNoColumn { get; set; } = string.Empty;

    public string TargetAccountColumn { get; set; } = string.Empty;

    public string? SkuColumn { get; set; }

    /// <summary>The quantity column; without one every event is quantity 1.</summary>
    public string? QuantityColumn { get; set; }

    public string? FaceValueColumn { get; set; }

    public string? CostColumn { get; set; }

    public string StatusColumn { get; set; } = string.Empty;

    public string? FinishedAtColumn { get; set; }

    /// <summary>The column of the delivered code or serial, which tells two parts of one batch apart.</summary>
    public string? VoucherColumn { get; set; }

    /// <summary>.NET format of <see cref="FinishedAtColumn"/> when it carries no offset, e.g. <c>yyyy-MM-dd HH:mm:ss</c>.</summary>
    public string? FinishedAtFormat { get; set; }

    /// <summary>The zone of times without an offset (IANA id).</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    // Null by default: the configuration binder adds to a list it finds, so a default list could never be replaced.

    /// <summary>Status values meaning delivered (default <c>success</c>).</summary>
    public List<string>? SuccessValues { get; set; }

    /// <summary>Status values meaning finally failed (default <c>failed</c>).</summary>
    public List<string>? FailedValues { get; set; }

    /// <summary>Status values meaning not finished yet (default <c>processing</c>).</summary>
    public List<string>? ProcessingValues { get; set; }

    public IReadOnlyList<string> SuccessValuesOrDefault => SuccessValues is { Count: > 0 } values ? values : ["success"];

    public IReadOnlyList<string> FailedValuesOrDefault => FailedValues is { Count: > 0 } values ? values : ["failed"];

    public IReadOnlyList<string> ProcessingValuesOrDefault => ProcessingValues is { Count: > 0 } values ? values : ["processing"];
}
