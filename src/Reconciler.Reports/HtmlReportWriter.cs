using System.Globalization;
using System.Net;
using System.Text;
using Reconciler.Core.Matching;
using Reconciler.Reports.Model;

namespace Reconciler.Reports;

/// <summary>Writes <c>report.html</c>: one self-contained, printable page a finance reader understands without help.</summary>
public static class HtmlReportWriter
{
    public const string FileName = "report.html";

    /// <summary>
    /// The longest text a cell shows; past it the cell is cut with a marker, so no input value can swell the page
    /// (quarantined lines are cut shorter before they get here, per <c>Reconciler:Limits:ReportCellChars</c>).
    /// </summary>
    public const int CellCharLimit = 2000;

    /// <summary>The most quarantined lines the page lists; the CLI lists them all.</summary>
    public const int QuarantineRowLimit = 200;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private const string Style = """
        body { font-family: "Segoe UI", "Helvetica Neue", Arial, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; font-size: 14px; color: #1a1a1a; margin: 24px; }
        h1 { font-size: 22px; margin: 0 0 4px; }
        h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 2px solid #d0d7de; padding-bottom: 4px; }
        h3 { font-size: 15px; margin: 16px 0 6px; }
        p.meta { margin: 2px 0; color: #444; }
        table { border-collapse: collapse; margin: 6px 0 12px; }
        th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
        th { background: #f3f5f7; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.muted { color: #777; }
        code { font-family: Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; white-space: pre-wrap; word-break: break-all; }
        .bad { color: #b00020; font-weight: bold; }
        .warn { color: #8a5a00; font-weight: bold; }
        .good { color: #1a7f37; }
        .headline { border: 1px solid #d0d7de; background: #fafbfc; padding: 8px 16px; }
        .headline ul { margin: 4px 0; padding-left: 20px; }
        tr.rejected td, tr.missing td { background: #fdecee; }
        tr.duplicate td { background: #fff6e0; }
        @media print {
          body { margin: 0; font-size: 10pt; }
          h2 { break-after: avoid; }
          tr { break-inside: avoid; }
          thead { display: table-header-group; }
          .headline { background: none; }
        }
        """;

    public static void Write(RunReport report, Stream output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);

        using var w = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024, leaveOpen: true)
        {
            NewLine = "\n",
        };
        var date = report.BusinessDate.ToString("yyyy-MM-dd", Invariant);
        w.WriteLine("<!DOCTYPE html>");
        w.WriteLine("<html lang=\"en\">");
        w.WriteLine("<head>");
        w.WriteLine("<meta charset=\"utf-8\">");
        w.WriteLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        w.WriteLine("<title>Reconciliation " + E(date) + " — run " + N(report.RunId) + "</title>");
        w.WriteLine("<style>");
        w.WriteLine(Style);
        w.WriteLine("</style>");
        w.WriteLine("</head>");
        w.WriteLine("<body>");

        WriteTitle(w, report, date);
        WriteIncidents(w, report);
        WriteHeadline(w, report);
        WriteFiles(w, report);
        WriteOrders(w, report);
        WriteChannels(w, report);
        WriteVendors(w, report);
        WriteKinds(w, report);
        WriteChanges(w, report);
        WriteFindings(w, report);
        WriteQuarantine(w, report);

        w.WriteLine("</body>");
        w.WriteLine("</html>");
    }

    private static void WriteTitle(TextWriter w, RunReport report, string date)
    {
        w.WriteLine("<header>");
        w.WriteLine("<h1>Reconciliation for business date " + E(date) + "</h1>");
        w.WriteLine("<p class=\"meta\">Run " + N(report.RunId) + ", as of " + E(FormatInstant(report.AsOf, report.TimeZone)) + "</p>");
        w.WriteLine("<p class=\"meta\">Asked for by " + E(report.RequestedBy)
            + (string.IsNullOrWhiteSpace(report.Reason) ? " (no reason given)" : ", because: " + E(report.Reason)) + "</p>");
        var took = report.FinishedAt - report.StartedAt;
        w.WriteLine("<p class=\"meta\">Started " + E(FormatInstant(report.StartedAt, report.TimeZone)) + "; took "
            + E(FormatDuration(took)) + ".</p>");
        w.WriteLine("<p class=\"meta\">" + (report.PreviousRunId is { } previous
            ? "Compared with the previous run of this date, run " + N(previous) + "."
            : "This is the first run of this date.") + "</p>");
        w.WriteLine("</header>");
    }

    private static void WriteIncidents(TextWriter w, RunReport report)
    {
        w.WriteLine("<section class=\"incidents\">");
        w.WriteLine("<h2>Incidents</h2>");
        if (report.IncidentList.Count == 0)
        {
            w.WriteLine("<p class=\"good\">No incident: no vendor outage, missing settlement file, lost callbacks or held deliveries.</p>");
            w.WriteLine("</section>");
            return;
        }

        w.WriteLine("<table>");
        w.WriteLine("<thead><tr><th>Kind</th><th>Vendor or provider</th><th>From</th><th>To</th><th class=\"num\">Findings</th><th class=\"num\">At stake</th><th>What happened</th></tr></thead>");
        w.WriteLine("<tbody>");
        foreach (var incident in report.IncidentList)
        {
            w.WriteLine("<tr class=\"incident\">" + Td(incident.Kind) + Td(incident.Vendor ?? incident.Provider)
                + Td(FormatInstant(incident.From, report.TimeZone)) + Td(FormatInstant(incident.To, report.TimeZone))
                + Num(incident.Findings) + "<td class=\"num\">" + (incident.Amounts.Count > 0 ? MoneyLines(incident.Amounts) : E(Money(incident.Amount, incident.Currency))) + "</td>" + Td(incident.Detail) + "</tr>");
        }

        w.WriteLine("</tbody>");
        w.WriteLine("</table>");
        w.WriteLine("</section>");
    }

    private static void WriteHeadline(TextWriter w, RunReport report)
    {
        w.WriteLine("<section class=\"headline\">");
        w.WriteLine("<h2>At a glance</h2>");
        w.WriteLine("<ul>");
        foreach (var missing in report.MissingSettlements)
        {
            w.WriteLine("<li class=\"bad\">Missing settlement file: " + E(missing.Provider) + " for "
                + E(missing.Date.ToString("yyyy-MM-dd", Invariant)) + " — " + E(missing.Reason)
                + ". Its orders stay pending until the file is imported.</li>");
        }

        var findings = report.Findings.Count;
        w.WriteLine("<li>" + N(findings) + (findings == 1 ? " finding" : " findings") + " in this run ("
            + N(report.Findings.New) + " new, " + N(report.Findings.Open) + " still open); "
            + N(report.Resolved.Count) + " resolved since the previous run.</li>");
        foreach (var kind in report.Kinds.Where(k => k.Count > 0))
        {
            w.WriteLine("<li>" + E(Labels.Kind(kind.Kind)) + ": " + N(kind.Count)
                + ", charged " + MoneyInline(kind.ChargedAmount)
                + (kind.CompensationAmount.Count > 0 ? ", compensation " + MoneyInline(kind.CompensationAmount) : string.Empty)
                + "</li>");
        }

        w.WriteLine("<li><strong>Compensation requested: " + (report.CompensationTotal.Count > 0 ? MoneyInline(report.CompensationTotal) : "none")
            + "</strong> (refunds and re-deliveries the compensation workflow carries out automatically).</li>");
        var pending = report.Findings.Pending;
        w.WriteLine("<li>Pending (charged or delivered, waiting for the other side): " + N(pending) + "</li>");
        var quarantined = Math.Max(report.QuarantinedTotal, report.Quarantined.Count);
        w.WriteLine("<li" + (quarantined > 0 ? " class=\"warn\"" : string.Empty) + ">Input lines that could not be read (quarantined): "
            + N(quarantined) + "</li>");
        w.WriteLine("</ul>");
        w.WriteLine("</section>");
    }

    private static void WriteFiles(TextWriter w, RunReport report)
    {
        w.WriteLine("<section>");
        w.WriteLine("<h2>Files taken</h2>");
        if (report.Files.Count == 0)
        {
            w.WriteLine("<p>No new files in the inbox for this run.</p>");
        }
        else
        {
            w.WriteLine("<table>");
            w.WriteLine("<thead><tr><th>File</th><th>Format</th><th>Provider</th><th>Status</th><th class=\"num\">Rows</th>"
                + "<th class=\"num\">Quarantined</th><th>Control totals</th><th>Detail</th></tr></thead>");
            w.WriteLine("<tbody>");
            foreach (var file in report.Files)
            {
                var (rowClass, statusClass) = file.Status switch
                {
                    FileStatus.Rejected or FileStatus.Unrecognised => (" class=\"rejected\"", "bad"),
                    FileStatus.Duplicate => (" class=\"duplicate\"", "warn"),
                    FileStatus.NoBill => (string.Empty, "warn"),
                    _ => (string.Empty, "good"),
                };
                w.WriteLine("<tr" + rowClass + ">"
                    + Td(file.Name, title: "SHA-256 " + file.Sha256)
                    + Td(file.Format)
                    + Td(file.Provider)
                    + "<td class=\"" + statusClass + "\">" + E(Labels.FileStatus(file.Status)) + "</td>"
                    + Num(file.Rows)
                    + Num(file.Quarantined)
                    + Td(file.ControlSummary)
                    + Td(file.Detail)
                    + "</tr>");
            }

            w.WriteLine("</tbody>");
            w.WriteLine("</table>");
        }

        if (report.MissingSettlements.Count > 0)
        {
            w.WriteLine("<h3 class=\"bad\">Settlement files missing</h3>");
            w.WriteLine("<table>");
            w.WriteLine("<thead><tr><th>Provider</th><th>Date</th><th>Reason</th></tr></thead>");
            w.WriteLine("<tbody>");
            foreach (var missing in report.MissingSettlements)
            {
                w.WriteLine("<tr class=\"missing\">" + Td(missing.Provider) + Td(missing.Date.ToString("yyyy-MM-dd", Invariant))
                    + "<td class=\"bad\">" + E(missing.Reason) + "</td></tr>");
            }

            w.WriteLine("</tbody>");
            w.WriteLine("</table>");
        }

        w.WriteLine("</section>");
    }

    private static void WriteOrders(TextWriter w, RunReport report) =>
        WriteTableSection(w, "Orders of the day", report.Orders, "No orders were created on this date.",
            "<th>Currency</th><th class=\"num\">Orders</th><th class=\"num\">Amount</th>",
            orders => Td(orders.Currency) + Num(orders.Count) + MoneyCell(orders.Amount, orders.Currency));

    private static void WriteChannels(TextWriter w, RunReport report) =>
        WriteTableSection(w, "Payment channels", report.Channels, "No settlement lines for this date.",
            "<th>Provider</th><th>Currency</th><th class=\"num\">Payments</th><th class=\"num\">Gross</th>"
            + "<th class=\"num\">Refunds</th><th class=\"num\">Refunded</th><th class=\"num\">Chargebacks</th>"
            + "<th class=\"num\">Charged back</th><th class=\"num\">Fees</th><th class=\"num\">Orders</th>"
            + "<th class=\"num\">Order amount</th>",
            c => Td(c.Provider) + Td(c.Currency)
                + Num(c.Payments) + MoneyCell(c.PaymentGross, c.Currency)
                + Num(c.Refunds) + MoneyCell(c.RefundAmount, c.Currency)
                + Num(c.Chargebacks) + MoneyCell(c.ChargebackAmount, c.Currency)
                + MoneyCell(c.Fees, c.Currency)
                + Num(c.Orders) + MoneyCell(c.OrderAmount, c.Currency));

    private static void WriteVendors(TextWriter w, RunReport report) =>
        WriteTableSection(w, "Vendors", report.Vendors, "No delivery events for this date.",
            "<th>Vendor</th><th class=\"num\">Events</th><th class=\"num\">Quantity delivered</th>"
            + "<th class=\"num\">Failed</th><th class=\"num\">Still in flight</th><th class=\"num\">Cost</th>",
            v => Td(v.Vendor) + Num(v.Events) + Num(v.DeliveredQuantity) + Num(v.Failed) + Num(v.InFlight)
                + "<td class=\"num\">" + E(Amount(v.Cost)) + "</td>");

    private static void WriteKinds(TextWriter w, RunReport report) =>
        WriteTableSection(w, "Findings per kind", report.Kinds, "No findings.",
            "<th>Kind</th><th class=\"num\">Count</th><th class=\"num\">Charged</th><th class=\"num\">Compensation</th>",
            k => Td(Labels.Kind(k.Kind)) + Num(k.Count)
                + "<td class=\"num\">" + MoneyLines(k.ChargedAmount) + "</td>"
                + "<td class=\"num\">" + MoneyLines(k.CompensationAmount) + "</td>",
            "<p><strong>Compensation total:</strong> "
            + (report.CompensationTotal.Count > 0 ? MoneyInline(report.CompensationTotal) : "none") + "</p>");

    /// <summary>A section of one table, or a sentence when it has no rows; cells are HTML already encoded by the caller.</summary>
    private static void WriteTableSection<T>(
        TextWriter w, string title, IReadOnlyCollection<T> rows, string whenEmpty, string headerCells, Func<T, string> rowCells, string? footer = null)
    {
        w.WriteLine("<section>");
        w.WriteLine("<h2>" + E(title) + "</h2>");
        if (rows.Count == 0)
        {
            w.WriteLine("<p>" + E(whenEmpty) + "</p>");
        }
        else
        {
            w.WriteLine("<table>");
            w.WriteLine("<thead><tr>" + headerCells + "</tr></thead>");
            w.WriteLine("<tbody>");
            foreach (var row in rows)
            {
                w.WriteLine("<tr>" + rowCells(row) + "</tr>");
            }

            w.WriteLine("</tbody>");
            w.WriteLine("</table>");
        }

        if (footer is not null)
        {
            w.WriteLine(footer);
        }

        w.WriteLine("</section>");
    }

    private static void WriteChanges(TextWriter w, RunReport report)
    {
        w.WriteLine("<section>");
        w.WriteLine("<h2>What changed since the previous run</h2>");
        if (report.PreviousRunId is null)
        {
            w.WriteLine("<p>This is the first run of this date. Findings still open come from earlier dates, re-examined by this run.</p>");
        }

        w.WriteLine("<table>");
        w.WriteLine("<tbody>");
        w.WriteLine("<tr><th>New</th>" + Num(report.Findings.New) + "</tr>");
        w.WriteLine("<tr><th>Still open</th>" + Num(report.Findings.Open) + "</tr>");
        w.WriteLine("<tr><th>Resolved</th>" + Num(report.Resolved.Count) + "</tr>");
        w.WriteLine("</tbody>");
        w.WriteLine("</table>");

        if (report.Resolved.Count > 0)
        {
            w.WriteLine("<h3>Resolved since the previous run</h3>");
            WriteFindingTable(w, report.Resolved.Read(FindingOrder.LargestAmountFirst));
        }

        w.WriteLine("</section>");
    }

    private static void WriteFindings(TextWriter w, RunReport report)
    {
        w.WriteLine("<section>");
        w.WriteLine("<h2>Findings, largest amount first</h2>");
        if (report.Findings.Count == 0)
        {
            w.WriteLine("<p class=\"good\">No breaks: every order, payment and delivery matched.</p>");
        }
        else
        {
            w.WriteLine("<p>The amount that orders the list is the compensation amount, else the charged amount. "
                + "Automatic actions are carried out by the compensation workflow; the others need a person.</p>");
            WriteFindingTable(w, report.Findings.Read(FindingOrder.LargestAmountFirst));
        }

        w.WriteLine("</section>");
    }

    private static void WriteFindingTable(TextWriter w, IEnumerable<ReportedFinding> findings)
    {
        w.WriteLine("<table>");
        w.WriteLine("<thead><tr><th>Order no</th><th>Kind</th><th>Provider</th><th>Txn id</th><th>Vendor</th>"
            + "<th class=\"num\">Expected</th><th class=\"num\">Charged</th><th class=\"num\">Delivered / ordered</th>"
            + "<th>Currency</th><th>Action</th><th class=\"num\">Compensation</th><th>Status</th><th>Detail</th></tr></thead>");
        w.WriteLine("<tbody>");
        foreach (var reported in findings)
        {
            WriteFindingRow(w, reported);
        }

        w.WriteLine("</tbody>");
        w.WriteLine("</table>");
    }

    /// <summary>
    /// One finding's row, written cell by cell into the page (a bad day lists a hundred thousand or more: the row built as
    /// one string first cost each finding fifteen strings and their concatenation).
    /// </summary>
    private static void WriteFindingRow(TextWriter w, ReportedFinding reported)
    {
        var f = reported.Finding;
        w.Write("<tr>");
        WriteTd(w, f.OrderNo);
        WriteTd(w, Labels.Kind(f.Kind));
        WriteTd(w, f.Provider);
        WriteTd(w, f.ProviderTxnId);
        WriteTd(w, f.Vendor);
        WriteMoneyCell(w, f.ExpectedAmount, f.Currency);
        WriteMoneyCell(w, f.ChargedAmount, f.Currency);
        w.Write("<td class=\"num\">");
        WriteEncoded(w, Quantity(f.DeliveredQuantity) + " / " + Quantity(f.OrderedQuantity));
        w.Write("</td>");
        WriteTd(w, f.Currency);
        WriteTd(w, Labels.Action(f.Action));
        WriteMoneyCell(w, f.CompensationAmount, f.Currency);
        w.Write(reported.Status switch
        {
            ReportStatus.New => "<td class=\"warn\">",
            ReportStatus.Resolved => "<td class=\"good\">",
            _ => "<td>",
        });
        WriteEncoded(w, Labels.FindingStatus(reported.Status));
        w.Write("</td>");
        WriteTd(w, f.Detail);
        w.WriteLine("</tr>");
    }

    private static void WriteQuarantine(TextWriter w, RunReport report)
    {
        w.WriteLine("<section>");
        w.WriteLine("<h2>Quarantined lines</h2>");
        var total = Math.Max(report.QuarantinedTotal, report.Quarantined.Count);
        if (total == 0)
        {
            w.WriteLine("<p>Every line of every file was read.</p>");
            w.WriteLine("</section>");
            return;
        }

        w.WriteLine("<p>These lines could not be read and were left out of the matching; fix or re-send the file.</p>");
        w.WriteLine("<table>");
        w.WriteLine("<thead><tr><th>File</th><th class=\"num\">Line</th><th>Reason</th><th>Raw text</th></tr></thead>");
        w.WriteLine("<tbody>");
        var shown = 0L;
        foreach (var q in report.Quarantined.Take(QuarantineRowLimit))
        {
            w.WriteLine("<tr>" + Td(q.File) + Num(q.Line) + Td(q.Reason) + "<td><code>" + E(q.RawText) + "</code></td></tr>");
            shown++;
        }

        w.WriteLine("</tbody>");
        w.WriteLine("</table>");
        if (total > shown)
        {
            w.WriteLine("<p>… and " + N(total - shown) + " more — see <code>reconciler quarantine list</code>.</p>");
        }

        w.WriteLine("</section>");
    }

    private static string FormatInstant(DateTimeOffset instant, string timeZoneId)
    {
        var utc = instant.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", Invariant) + " UTC";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var zone))
        {
            return utc + " (time zone " + timeZoneId + " unknown on this machine)";
        }

        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return local.ToString("yyyy-MM-dd HH:mm:ss", Invariant) + " " + timeZoneId
            + " (UTC" + local.ToString("zzz", Invariant) + "), " + utc;
    }

    private static string FormatDuration(TimeSpan duration) =>
        duration.TotalMinutes >= 1
            ? string.Create(Invariant, $"{Math.Floor(duration.TotalMinutes):0} min {duration.Seconds} s")
            : string.Create(Invariant, $"{duration.TotalSeconds:0.0} s");

    private static string E(string? value) => WebUtility.HtmlEncode(Cut(value ?? string.Empty));

    private static string Cut(string value) =>
        value.Length <= CellCharLimit
            ? value
            : string.Concat(value.AsSpan(0, CellCharLimit), string.Create(Invariant, $" …[cut: {value.Length} characters in all]"));

    private static string N(long value) => value.ToString("#,##0", Invariant);

    private static string Amount(decimal value) => value.ToString("#,##0.00", Invariant);

    private static string Quantity(int? value) => value?.ToString("#,##0", Invariant) ?? "—";

    private static string Money(decimal value, string? currency) =>
        string.IsNullOrEmpty(currency) ? Amount(value) : Amount(value) + " " + currency;

    private static string MoneyInline(IReadOnlyList<CurrencyAmount> amounts) =>
        amounts.Count == 0 ? "—" : string.Join(" and ", amounts.Select(a => E(Money(a.Amount, a.Currency))));

    private static string MoneyLines(IReadOnlyList<CurrencyAmount> amounts) =>
        amounts.Count == 0 ? "—" : string.Join("<br>", amounts.Select(a => E(Money(a.Amount, a.Currency))));

    private static string MoneyCell(decimal? value, string? currency) =>
        value is { } amount ? NumCell + E(Money(amount, currency)) + "</td>" : NoAmountCell;

    private const string NumCell = "<td class=\"num\">";

    /// <summary>A money cell with no amount.</summary>
    private const string NoAmountCell = "<td class=\"num muted\">—</td>";

    private static string Num(long value) => "<td class=\"num\">" + N(value) + "</td>";

    /// <summary><see cref="E"/>, written into <paramref name="w"/>.</summary>
    private static void WriteEncoded(TextWriter w, string? value) => WebUtility.HtmlEncode(Cut(value ?? string.Empty), w);

    /// <summary><see cref="Td"/> without a title, written into <paramref name="w"/>.</summary>
    private static void WriteTd(TextWriter w, string? value)
    {
        w.Write("<td>");
        WriteEncoded(w, value);
        w.Write("</td>");
    }

    /// <summary><see cref="MoneyCell"/>, written into <paramref name="w"/>.</summary>
    private static void WriteMoneyCell(TextWriter w, decimal? value, string? currency)
    {
        if (value is { } amount)
        {
            w.Write(NumCell);
            WriteEncoded(w, Money(amount, currency));
            w.Write("</td>");
        }
        else
        {
            w.Write(NoAmountCell);
        }
    }

    private static string Td(string? value, string? title = null) =>
        (title is null ? "<td>" : "<td title=\"" + E(title) + "\">") + E(value) + "</td>";
}
