using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Reconciler.Core.Matching;
using Reconciler.Reports.Model;

namespace Reconciler.Reports;

/// <summary>Writes <c>summary.json</c>: every number of a run's report and its findings, for machines and dashboards.</summary>
public static class SummaryJsonWriter
{
    public const string FileName = "summary.json";

    /// <summary>Raised when the document's shape changes in a way a reader must know about.</summary>
    public const int FormatVersion = 1;

    // Properties come out in declaration order (records), so the document's order is stable from run to run.
    // Non-ASCII letters (Chinese provider columns, merchant names) stay readable; <, >, & and quotes are still escaped.
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NewLine = "\n",
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    public static void Write(RunReport report, Stream output) => Write(report, output, findingsFragment: null);

    /// <summary>
    /// Writes the document; with <paramref name="findingsFragment"/> (a file <see cref="FindingsFragment"/> wrote from the
    /// same findings, in <see cref="FindingOrder.ByKey"/>) the findings list is copied from it instead of read again.
    /// </summary>
    /// <param name="fragmentWritten">
    /// Waits until the fragment's writer is done (and throws its error), for a fragment not being written when the list
    /// is reached: its writer may not have started yet.
    /// </param>
    internal static void Write(RunReport report, Stream output, string? findingsFragment, Action? fragmentWritten = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        // A writer of our own, flushed as it goes (FindingList): the findings list may be copied straight into the stream.
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        var document = ToDocument(report, withFindings: true, output);
        if (findingsFragment is not null)
        {
            document = document with { Findings = new FindingList(findingsFragment, output, fragmentWritten) };
        }

        JsonSerializer.Serialize(writer, document, Options);
        writer.Flush();
    }

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        NewLine = "\n",
        Encoder = Options.Encoder,
    };

    // A finding is one line of the document: its row without indentation (the lists of a bad day's 200 k findings were
    // 123 MB indented, 94 MB this way, written, compressed and stored on every run), so a grep for an order number
    // shows the whole finding. (A row serialized into a writer is laid out as the writer's options say.)
    private static readonly JsonWriterOptions RowWriterOptions = WriterOptions with { Indented = false };

    /// <summary>
    /// The findings list of summary.json written beside mismatches.csv, from the same read of the findings (one read of
    /// a bad day's 100k findings fewer: PostgreSQL sorted and sent them twice in that order). The rows come out as the
    /// serializer writes them inside the document, byte for byte (<c>ReportWriterTests</c> holds it).
    /// <para>
    /// The rows go into a file of their own until summary.json's writer reaches its findings list
    /// (<see cref="CopyInto"/>): it copies what the file holds, and the rows still to come go straight into the document.
    /// Copied whole once the last row was written, the list was the report's last half second with one core idle (a 100 MB
    /// list of 200 k findings read back, written and compressed again on the second day of a 1 M series, `perf`).
    /// </para>
    /// </summary>
    internal sealed class FindingsFragment : IDisposable
    {
        // The fragments being written, by full path: summary.json's writer knows only the path.
        private static readonly ConcurrentDictionary<string, FindingsFragment> Live = new(StringComparer.Ordinal);

        private readonly string _path;
        private readonly object _gate = new();
        private readonly FileStream _file;
        private readonly ArrayBufferWriter<byte> _row = new(1024);
        private readonly Utf8JsonWriter _writer;
        private readonly RowLines _lines;
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _completed;
        private bool _closed;

        public FindingsFragment(string path)
        {
            _path = Path.GetFullPath(path);
            _file = new FileStream(_path, FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024);
            _writer = new Utf8JsonWriter(_row, RowWriterOptions);
            _lines = new RowLines(_file);
            Live[_path] = this;
        }

        public void Add(ReportedFinding finding)
        {
            _row.ResetWrittenCount();
            _writer.Reset(_row);
            WriteRow(_writer, finding);
            _writer.Flush();
            lock (_gate)
            {
                _lines.Add(_row.WrittenSpan);
            }
        }

        /// <summary>Ends the list (the closing bracket comes from the document) and flushes what went to the file.</summary>
        public void Complete()
        {
            lock (_gate)
            {
                _lines.Complete();
                _file.Flush();
                _completed = true;
            }

            _done.TrySetResult();
        }

        public void Dispose()
        {
            Live.TryRemove(new KeyValuePair<string, FindingsFragment>(_path, this));
            lock (_gate)
            {
                _closed = true;
                _writer.Dispose();
                _file.Dispose();
            }

            // A writer that failed before the last row: the document's writer waiting for the rest stops here (its caller
            // reports the writer's own error, ReportWriter.WriteAll).
            _done.TrySetException(new InvalidOperationException($"{_path}: the findings list was not written to its end"));
        }

        /// <summary>
        /// Writes the list's rows into <paramref name="output"/> (the stream under the document's writer, flushed): those
        /// the fragment at <paramref name="path"/> holds, and, while its writer is still at work, the rest as it writes
        /// them, returning once it has written the last.
        /// </summary>
        /// <param name="written">
        /// When the fragment is not being written: waits until its writer is done (it may not have started yet) and throws
        /// its error.
        /// </param>
        public static void CopyInto(string path, Stream output, Action? written)
        {
            if (Live.TryGetValue(Path.GetFullPath(path), out var live) && live.Follow(output))
            {
                return;
            }

            written?.Invoke();
            using var rows = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024, FileOptions.SequentialScan);
            rows.CopyTo(output);
        }

        /// <summary>False when the fragment was closed before this looked: the file holds all there is.</summary>
        private bool Follow(Stream output)
        {
            using var rows = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024, FileOptions.SequentialScan);
            long written;
            lock (_gate)
            {
                if (_closed)
                {
                    return false;
                }

                _file.Flush();
                written = _file.Length;
            }

            // What is written so far, copied while the writer goes on; then the rest, with the writer held, and from then on
            // the writer writes into the output itself.
            CopyBytes(rows, output, written);
            lock (_gate)
            {
                if (_closed && !_completed)
                {
                    throw new InvalidOperationException($"{_path}: the findings list was not written to its end");
                }

                if (!_closed)
                {
                    _file.Flush();
                }

                rows.CopyTo(output);
                if (_completed)
                {
                    return true;
                }

                _lines.Output = output;
            }

            _done.Task.GetAwaiter().GetResult();
            return true;
        }

        private static void CopyBytes(Stream from, Stream to, long count)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                while (count > 0)
                {
                    var read = from.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
                    if (read == 0)
                    {
                        throw new EndOfStreamException("the findings list's file ended before what was written to it");
                    }

                    to.Write(buffer, 0, read);
                    count -= read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        /// <summary>
        /// One row as the serializer writes a <see cref="FindingRow"/> (property order, names, nulls, numbers as their
        /// decimals print, the date as yyyy-MM-dd), written by hand: the serializer's metadata-driven write took 0.57-0.62
        /// s of the 2.1 s in which mismatches.csv and this list are written for an outage day's 202 k findings, the
        /// report's longest output. <c>ReportWriterTests</c> holds the two byte for byte.
        /// </summary>
        private static void WriteRow(Utf8JsonWriter w, ReportedFinding reported)
        {
            var f = reported.Finding;
            w.WriteStartObject();
            w.WriteString(RowNames.FindingId, f.FindingId);
            w.WriteString(RowNames.OrderNo, f.OrderNo);
            w.WriteString(RowNames.Kind, f.Kind.ToName());
            w.WriteString(RowNames.Provider, f.Provider);
            w.WriteString(RowNames.ProviderTxnId, f.ProviderTxnId);
            w.WriteString(RowNames.Vendor, f.Vendor);
            Number(w, RowNames.ExpectedAmount, f.ExpectedAmount);
            Number(w, RowNames.ChargedAmount, f.ChargedAmount);
            Number(w, RowNames.DeliveredQuantity, f.DeliveredQuantity);
            Number(w, RowNames.OrderedQuantity, f.OrderedQuantity);
            w.WriteString(RowNames.Currency, f.Currency);
            w.WriteString(RowNames.CompensationAction, f.Action.ToName());
            w.WriteBoolean(RowNames.Automatic, f.IsAutomatic);
            Number(w, RowNames.CompensationAmount, f.CompensationAmount);
            w.WriteString(RowNames.Status, reported.Status);
            Span<char> date = stackalloc char[10];
            w.WriteString(RowNames.BusinessDate, reported.BusinessDate.TryFormat(date, out var written, "O", CultureInfo.InvariantCulture)
                ? date[..written]
                : reported.BusinessDate.ToString("O", CultureInfo.InvariantCulture));
            w.WriteString(RowNames.Detail, f.Detail);
            w.WriteEndObject();
        }

        private static void Number(Utf8JsonWriter w, JsonEncodedText name, decimal? value)
        {
            if (value is { } v)
            {
                w.WriteNumber(name, v);
            }
            else
            {
                w.WriteNull(name);
            }
        }

        private static void Number(Utf8JsonWriter w, JsonEncodedText name, int? value)
        {
            if (value is { } v)
            {
                w.WriteNumber(name, v);
            }
            else
            {
                w.WriteNull(name);
            }
        }
    }

    /// <summary>
    /// Lays a findings list's rows out in the document, one a line, two levels deep: the writer of the document writes the
    /// opening bracket and, right after what this wrote, the closing one.
    /// </summary>
    private sealed class RowLines(Stream output)
    {
        private bool _any;

        /// <summary>Where the rows go (a findings fragment switches from its file to the document).</summary>
        public Stream Output { get; set; } = output;

        public void Add(ReadOnlySpan<byte> row)
        {
            Output.Write(_any ? ",\n    "u8 : "\n    "u8);
            _any = true;
            Output.Write(row);
        }

        public void Complete()
        {
            if (_any)
            {
                Output.Write("\n  "u8);
            }
        }
    }

    /// <summary>
    /// The same document without the findings lists (their counts stay): what a run keeps in the database, small
    /// whatever the day's size; the lists are in the run's findings tables and in summary.json.
    /// </summary>
    public static string TotalsJson(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonSerializer.Serialize(ToDocument(report, withFindings: false, output: null), Options);
    }

    private static SummaryDocument ToDocument(RunReport report, bool withFindings, Stream? output) =>
        new(
            FormatVersion,
            report.IncidentList,
            new RunSection(
                report.RunId,
                report.BusinessDate,
                report.AsOf,
                report.StartedAt,
                report.FinishedAt,
                report.TimeZone,
                report.RequestedBy,
                report.Reason,
                report.PreviousRunId),
            report.Files,
            report.MissingSettlements,
            report.Orders,
            report.Channels,
            report.Vendors,
            report.Kinds,
            report.CompensationTotal,
            new FindingCounts(
                report.Findings.New,
                report.Findings.Open,
                report.Resolved.Count,
                report.Findings.Count),
            new QuarantineSection(
                report.QuarantinedTotal,
                [.. report.Files.Where(f => f.Quarantined > 0).Select(f => new QuarantinedFile(f.Name, f.Quarantined))]),
            // Rows made as they are read and written: a run's findings stream from the database, never held whole.
            new FindingList(withFindings ? report.Findings.Read(FindingOrder.ByKey).Select(ToRow) : [], output),
            new FindingList(withFindings ? report.Resolved.Read(FindingOrder.ByKey).Select(ToRow) : [], output));

    private static FindingRow ToRow(ReportedFinding reported)
    {
        var f = reported.Finding;
        return new FindingRow(
            f.FindingId,
            f.OrderNo,
            f.Kind.ToName(),
            f.Provider,
            f.ProviderTxnId,
            f.Vendor,
            f.ExpectedAmount,
            f.ChargedAmount,
            f.DeliveredQuantity,
            f.OrderedQuantity,
            f.Currency,
            f.Action.ToName(),
            f.IsAutomatic,
            f.CompensationAmount,
            reported.Status,
            reported.BusinessDate,
            f.Detail);
    }

    private sealed record SummaryDocument(
        int FormatVersion,
        IReadOnlyList<IncidentReport> Incidents,
        RunSection Run,
        IReadOnlyList<FileReport> Files,
        IReadOnlyList<MissingSettlement> MissingSettlements,
        IReadOnlyList<OrderTotals> Orders,
        IReadOnlyList<ChannelTotals> Channels,
        IReadOnlyList<VendorTotals> Vendors,
        IReadOnlyList<KindTotals> Kinds,
        IReadOnlyList<CurrencyAmount> CompensationTotal,
        FindingCounts FindingCounts,
        QuarantineSection Quarantined,
        FindingList Findings,
        FindingList Resolved);

    /// <summary>
    /// A findings list: rows to serialize as they are read, or a fragment file to copy into the output; either is
    /// written straight into <see cref="Output"/> (the stream under the document's writer), one row a line. Without an
    /// output (the totals), the list is empty.
    /// </summary>
    [JsonConverter(typeof(FindingListConverter))]
    private sealed class FindingList
    {
        public FindingList(IEnumerable<FindingRow> rows, Stream? output)
        {
            Rows = rows;
            Output = output;
        }

        public FindingList(string fragment, Stream output, Action? fragmentWritten)
        {
            Rows = [];
            Fragment = fragment;
            Output = output;
            FragmentWritten = fragmentWritten;
        }

        public IEnumerable<FindingRow> Rows { get; }

        public string? Fragment { get; }

        public Stream? Output { get; }

        /// <summary>Waits for the fragment's writer, when the fragment is not being written as the list is reached.</summary>
        public Action? FragmentWritten { get; }
    }

    private sealed class FindingListConverter : JsonConverter<FindingList>
    {
        public override FindingList Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("summary.json is written, not read, here");

        public override void Write(Utf8JsonWriter writer, FindingList value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            if (value.Output is { } output)
            {
                // What the writer holds goes out first; the rows follow it, and the writer, which wrote no element,
                // closes the list right after them.
                writer.Flush();
                if (value.Fragment is { } fragment)
                {
                    FindingsFragment.CopyInto(fragment, output, value.FragmentWritten);
                }
                else
                {
                    var lines = new RowLines(output);
                    var row = new ArrayBufferWriter<byte>(1024);
                    using var rowWriter = new Utf8JsonWriter(row, RowWriterOptions);
                    foreach (var finding in value.Rows)
                    {
                        row.ResetWrittenCount();
                        rowWriter.Reset(row);
                        JsonSerializer.Serialize(rowWriter, finding, options);
                        rowWriter.Flush();
                        lines.Add(row.WrittenSpan);
                    }

                    lines.Complete();
                }
            }

            writer.WriteEndArray();
        }
    }

    private sealed record RunSection(
        long RunId,
        DateOnly BusinessDate,
        DateTimeOffset AsOf,
        DateTimeOffset StartedAt,
        DateTimeOffset FinishedAt,
        string TimeZone,
        string RequestedBy,
        string? Reason,
        long? PreviousRunId);

    private sealed record FindingCounts(long New, long Open, long Resolved, long Total);

    private sealed record QuarantineSection(long Total, IReadOnlyList<QuarantinedFile> ByFile);

    private sealed record QuarantinedFile(string File, long Lines);

    /// <summary><see cref="FindingRow"/>'s property names as the serializer's naming policy spells them.</summary>
    private static class RowNames
    {
        public static readonly JsonEncodedText FindingId = Name(nameof(FindingRow.FindingId));
        public static readonly JsonEncodedText OrderNo = Name(nameof(FindingRow.OrderNo));
        public static readonly JsonEncodedText Kind = Name(nameof(FindingRow.Kind));
        public static readonly JsonEncodedText Provider = Name(nameof(FindingRow.Provider));
        public static readonly JsonEncodedText ProviderTxnId = Name(nameof(FindingRow.ProviderTxnId));
        public static readonly JsonEncodedText Vendor = Name(nameof(FindingRow.Vendor));
        public static readonly JsonEncodedText ExpectedAmount = Name(nameof(FindingRow.ExpectedAmount));
        public static readonly JsonEncodedText ChargedAmount = Name(nameof(FindingRow.ChargedAmount));
        public static readonly JsonEncodedText DeliveredQuantity = Name(nameof(FindingRow.DeliveredQuantity));
        public static readonly JsonEncodedText OrderedQuantity = Name(nameof(FindingRow.OrderedQuantity));
        public static readonly JsonEncodedText Currency = Name(nameof(FindingRow.Currency));
        public static readonly JsonEncodedText CompensationAction = Name(nameof(FindingRow.CompensationAction));
        public static readonly JsonEncodedText Automatic = Name(nameof(FindingRow.Automatic));
        public static readonly JsonEncodedText CompensationAmount = Name(nameof(FindingRow.CompensationAmount));
        public static readonly JsonEncodedText Status = Name(nameof(FindingRow.Status));
        public static readonly JsonEncodedText BusinessDate = Name(nameof(FindingRow.BusinessDate));
        public static readonly JsonEncodedText Detail = Name(nameof(FindingRow.Detail));

        private static JsonEncodedText Name(string property) =>
            JsonEncodedText.Encode(Options.PropertyNamingPolicy!.ConvertName(property), Options.Encoder);
    }

    private sealed record FindingRow(
        string FindingId,
        string? OrderNo,
        string Kind,
        string? Provider,
        string? ProviderTxnId,
        string? Vendor,
        decimal? ExpectedAmount,
        decimal? ChargedAmount,
        int? DeliveredQuantity,
        int? OrderedQuantity,
        string? Currency,
        string CompensationAction,
        bool Automatic,
        decimal? CompensationAmount,
        string Status,
        DateOnly BusinessDate,
        string Detail);
}
