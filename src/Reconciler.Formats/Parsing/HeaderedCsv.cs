using System.Text;
using CsvHelper;

namespace Reconciler.Formats.Parsing;

/// <summary>
/// An RFC 4180 file with a header row, read record by record through CsvHelper; columns are found by header name.
/// </summary>
internal sealed class HeaderedCsv : IDisposable
{
    private readonly CsvReader _csv;
    private readonly Dictionary<string, int> _columns = new(StringComparer.OrdinalIgnoreCase);
    // The columns asked for so far, by the very string asked with (the readers ask with the same constants for every
    // record): found by reference before the dictionary hashes a name case-insensitively, once per field and record.
    private readonly (string Name, int Index)[] _asked = new (string, int)[32];
    private int _askedCount;
    private string? _rawText;
    private CsvMalformedReason? _malformed;

    private readonly string _sourceName;

    private HeaderedCsv(Stream content, Encoding encoding, char separator, string sourceName, int maxRecordBytes)
    {
        _sourceName = sourceName;
        var options = CsvReaderOptions.Default with
        {
            Separator = separator,
            HasHeader = false,
            Mode = CsvMode.Rfc4180,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            TrimWhitespace = false,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MalformedData = CsvMalformedDataHandling.Recover,
            MissingField = CsvMissingFieldHandling.ReturnEmpty,
            OnMalformedRecord = record => _malformed ??= record.Reason,
            Encoding = encoding,
            MaxRecordSize = maxRecordBytes,
        };
        _csv = CsvReader.Create(content, options, leaveOpen: true);
    }

    public int HeaderCount { get; private set; }

    /// <summary>The 1-based physical line the current record starts on.</summary>
    public long LineNumber => _csv.LineNumber;

    /// <summary>The current record as it stands in the file (decoded), without its line end.</summary>
    /// <remarks>Decoded when asked for (a quarantined record): decoding every record twice was a tenth of reading one.</remarks>
    public string RawText => _rawText ??= Encoding.UTF8.GetString(_csv.RawRecord).TrimEnd('\r', '\n');

    public int FieldCount => _csv.FieldCount;

    /// <summary>Opens the file and checks its header; a header lacking a required column refuses the whole file.</summary>
    public static HeaderedCsv Open(
        Stream content,
        Encoding encoding,
        char separator,
        string sourceName,
        IReadOnlyCollection<string> requiredColumns,
        int maxRecordBytes)
    {
        var csv = new HeaderedCsv(content, encoding, separator, sourceName, maxRecordBytes);
        try
        {
            csv.ReadHeader(sourceName, requiredColumns);
            return csv;
        }
        catch
        {
            csv.Dispose();
            throw;
        }
    }

    /// <summary>Splits a header line the way recognition needs it: names trimmed of blanks, quotes and a BOM.</summary>
    public static IReadOnlyList<string> HeaderNames(string firstLine, char separator) =>
        [.. firstLine.Split(separator).Select(CleanName)];

    /// <summary>
    /// Maps every record; a record with the wrong number of fields, broken quoting or a value
    /// <paramref name="map"/> refuses (by throwing <see cref="FormatException"/>) becomes a quarantined row.
    /// </summary>
    public IEnumerable<ParsedRow> Rows(string sourceName, Func<HeaderedCsv, ParsedRow> map)
    {
        while (Read())
        {
            yield return MapCurrent(sourceName, map);
        }
    }

    public bool Has(string column) => _columns.ContainsKey(column);

    /// <summary>The trimmed value of a column the header was checked to contain.</summary>
    public string Get(string column) => _csv.GetString(IndexOf(column)).Trim();

    /// <summary>The trimmed value of an optional column, or empty when the file lacks it.</summary>
    public string GetOptional(string? column) =>
        column is not null && _columns.TryGetValue(column, out var index) ? _csv.GetString(index).Trim() : string.Empty;

    public void Dispose() => _csv.Dispose();

    private bool Read()
    {
        _malformed = null;
        if (!ReadRecord())
        {
            return false;
        }

        // CsvHelper hands records over as UTF-8 whatever the file's encoding was (RawText decodes it when asked).
        _rawText = null;
        return true;
    }

    private ParsedRow MapCurrent(string sourceName, Func<HeaderedCsv, ParsedRow> map)
    {
        if (_malformed is { } reason)
        {
            return new QuarantinedRow(LineNumber, RawText, $"{sourceName} line {LineNumber}: {Describe(reason)}");
        }

        if (FieldCount != HeaderCount)
        {
            return new QuarantinedRow(LineNumber, RawText, $"{sourceName} line {LineNumber}: expected {HeaderCount} fields, found {FieldCount}");
        }

        try
        {
            return map(this);
        }
        catch (FormatException ex)
        {
            return new QuarantinedRow(LineNumber, RawText, $"{sourceName} line {LineNumber}, {ex.Message}");
        }
    }

    private void ReadHeader(string sourceName, IReadOnlyCollection<string> requiredColumns)
    {
        if (!ReadRecord())
        {
            throw new FileRejectedException(RejectionKind.Unreadable, $"{sourceName}: the file is empty; a header row was expected.");
        }

        var header = Enumerable.Range(0, _csv.FieldCount).Select(i => CleanName(_csv.GetString(i))).ToList();
        for (var i = 0; i < header.Count; i++)
        {
            _columns.TryAdd(header[i], i);
        }

        HeaderCount = header.Count;
        if (requiredColumns.FirstOrDefault(c => header.Count(h => string.Equals(h, c, StringComparison.OrdinalIgnoreCase)) > 1) is { } twice)
        {
            // Which of two same-named columns holds the value is anyone's guess: refuse rather than pick one.
            throw new FileRejectedException(
                RejectionKind.Unreadable, $"{sourceName}: the header row names column '{twice}' twice; export the file with each column once.");
        }

        var missing = requiredColumns.Where(c => !_columns.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            throw new FileRejectedException(
                RejectionKind.Unreadable,
                $"{sourceName}: the header row lacks the column(s) {string.Join(", ", missing)}; " +
                $"found {string.Join(", ", header)}. Export the file with all required columns.");
        }
    }

    private bool ReadRecord()
    {
        try
        {
            return _csv.Read();
        }
        catch (CsvFormatException e)
        {
            throw Providers.CsvRecords.Refuse(_sourceName, e);
        }
    }

    private int IndexOf(string column)
    {
        for (var i = 0; i < _askedCount; i++)
        {
            if (ReferenceEquals(_asked[i].Name, column))
            {
                return _asked[i].Index;
            }
        }

        var index = _columns[column];
        if (_askedCount < _asked.Length)
        {
            _asked[_askedCount++] = (column, index);
        }

        return index;
    }

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "a quote inside an unquoted field (RFC 4180 wants the field quoted and the quote doubled)",
        CsvMalformedReason.TextAfterClosingQuote => "text after the closing quote of a quoted field",
        CsvMalformedReason.UnterminatedQuote => "a quoted field is never closed",
        _ => $"malformed record ({reason})",
    };

    private static string CleanName(string name) => name.Trim().Trim('\uFEFF', '"').Trim();
}
