using CsvHelper;
using Reconciler.Core.Matching;
using Reconciler.Reports.Model;

namespace Reconciler.Reports;

/// <summary>Writes <c>mismatches.csv</c>: one RFC 4180 row per finding a run still sees, safe to open in a spreadsheet.</summary>
public static class MismatchesCsvWriter
{
    public const string FileName = "mismatches.csv";

    private const string AmountFormat = "0.00";

    private static readonly string[] Header =
    [
        "finding_id", "order_no", "kind", "provider", "provider_txn_id", "vendor", "expected_amount", "charged_amount",
        "delivered_quantity", "ordered_quantity", "currency", "compensation_action", "compensation_amount", "status", "detail",
    ];

    // Injection is handled here rather than by CsvHelper: its Escape mode would also mark a text cell that is just a
    // number ("-5" as a vendor order reference), which a spreadsheet only ever reads as that number.
    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        NewLine = "\n",
        WriteByteOrderMark = false,
        Injection = CsvInjection.None,
        FormatProvider = System.Globalization.CultureInfo.InvariantCulture,
    };

    public static void Write(RunReport report, Stream output)
    {
        ArgumentNullException.ThrowIfNull(report);
        WriteRows(report.Findings.Read(FindingOrder.ByKey), output);
    }

    /// <summary>Writes the header and the findings in the order given (the web page's export of a filtered set).</summary>
    public static void WriteRows(IEnumerable<ReportedFinding> findings, Stream output)
    {
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(output);

        using var csv = CsvWriter.Create(output, Options, leaveOpen: true);
        csv.WriteHeader(Header);
        foreach (var reported in findings)
        {
            var finding = reported.Finding;
            csv.WriteField(Text(finding.FindingId));
            csv.WriteField(Text(finding.OrderNo));
            csv.WriteField(finding.Kind.ToName());
            csv.WriteField(Text(finding.Provider));
            csv.WriteField(Text(finding.ProviderTxnId));
            csv.WriteField(Text(finding.Vendor));
            csv.WriteField(finding.ExpectedAmount, AmountFormat);
            csv.WriteField(finding.ChargedAmount, AmountFormat);
            csv.WriteField(finding.DeliveredQuantity, "0");
            csv.WriteField(finding.OrderedQuantity, "0");
            csv.WriteField(Text(finding.Currency));
            csv.WriteField(finding.Action.ToName());
            csv.WriteField(finding.CompensationAmount, AmountFormat);
            csv.WriteField(Text(reported.Status));
            csv.WriteField(Text(finding.Detail));
            csv.EndRecord();
        }

        csv.Flush();
    }

    private static string? Text(string? value) => value is null ? null : SpreadsheetText.Neutralise(value);
}
