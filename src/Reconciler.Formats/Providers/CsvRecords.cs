using System.Globalization;
using CsvHelper;

namespace Reconciler.Formats.Providers;

/// <summary>One RFC 4180 record with the physical line it starts on, its raw text, and any quoting fault CsvHelper found.</summary>
internal sealed record CsvRecord(long Line, string[] Fields, string RawText, string? Malformed);

/// <summary>Streams the records of a UTF-8 RFC 4180 file with CsvHelper, keeping physical line numbers.</summary>
internal static class CsvRecords
{
    public static IEnumerable<CsvRecord> Read(Stream content, string sourceName, int maxRecordBytes)
    {
        ArgumentNullException.ThrowIfNull(content);
        string? malformed = null;
        var options = new CsvReaderOptions
        {
            HasHeader = false,
            Separator = ',',
            Mode = CsvMode.Rfc4180,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MalformedData = CsvMalformedDataHandling.Recover,
            OnMalformedRecord = record => malformed ??= record.Reason.ToString(),
            Encoding = TextEncodings.Utf8,
            FormatProvider = CultureInfo.InvariantCulture,
            MaxRecordSize = maxRecordBytes,
        };
        using var reader = CsvReader.Create(content, options, true);
        while (ReadRecord(reader, sourceName))
        {
            var raw = TextEncodings.Utf8.GetString(reader.RawRecord).TrimEnd('\r', '\n');
            yield return new CsvRecord(reader.LineNumber, reader.Current.ToArray(), raw, malformed);
            malformed = null;
        }
    }

    /// <summary>
    /// The data records of a file whose first record is a header holding <paramref name="requiredColumns"/>, each with
    /// that header. A missing column or an empty file rejects the file, naming <paramref name="fileKind"/>.
    /// </summary>
    public static IEnumerable<(HeaderMap Header, CsvRecord Record)> ReadWithHeader(
        Stream content, string sourceName, IReadOnlyCollection<string> requiredColumns, string fileKind, int maxRecordBytes)
    {
        HeaderMap? header = null;
        foreach (var record in Read(content, sourceName, maxRecordBytes))
        {
            if (header is null)
            {
                header = new HeaderMap(record.Fields);
                var missing = header.Missing(requiredColumns);
                if (missing.Count > 0)
                {
                    throw new FileRejectedException(
                        RejectionKind.Unreadable,
                        $"{sourceName} line {record.Line}: the header lacks column(s) {string.Join(", ", missing)}; is this {fileKind}?");
                }

                var twice = header.Twice(requiredColumns);
                if (twice.Count > 0)
                {
                    throw new FileRejectedException(
                        RejectionKind.Unreadable,
                        $"{sourceName} line {record.Line}: the header names column(s) {string.Join(", ", twice)} twice; export the file with each column once.");
                }

                continue;
            }

            yield return (header, record);
        }

        if (header is null)
        {
            throw new FileRejectedException(RejectionKind.Unreadable, $"{sourceName}: the file is empty; {fileKind} starts with a header row.");
        }
    }

    /// <summary>
    /// The whole file refused for a record CsvHelper cannot go past: longer than the limit (an unclosed quote early in
    /// a big file), after which no later record can be found reliably.
    /// </summary>
    public static FileRejectedException Refuse(string sourceName, CsvFormatException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new FileRejectedException(
            RejectionKind.Unreadable,
            $"{sourceName}: a CSV record cannot be read ({e.Message.Split('\n')[0].Trim()}); the limit on one record is Reconciler:Limits:MaxLineBytes. The file was not imported.");
    }

    private static bool ReadRecord(CsvReader reader, string sourceName)
    {
        try
        {
            return reader.Read();
        }
        catch (CsvFormatException e)
        {
            throw Refuse(sourceName, e);
        }
    }

    /// <summary>The cells of the first line of a sample, for recognising a file by its header.</summary>
    public static IReadOnlyList<string> HeaderOf(FileSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return [.. sample.FirstUtf8Line.Split(',').Select(cell => cell.Trim().Trim('"').Trim())];
    }
}
