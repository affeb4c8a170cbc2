using System.Text;

namespace Reconciler.Testing;

/// <summary>A small strict RFC 4180 reader (CRLF or LF), so the tests read the bytes the product wrote and not a lenient parser's view of them.</summary>
public static class Rfc4180
{
    public static IReadOnlyList<string[]> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new FormatException("Unterminated quoted field.");
                    }

                    if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                    }
                    else if (text[i] == '"')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        field.Append(text[i++]);
                    }
                }
            }
            else
            {
                while (i < text.Length && text[i] is not ',' and not '\n' and not '\r')
                {
                    field.Append(text[i++]);
                }
            }

            fields.Add(field.ToString());
            field.Clear();
            if (i < text.Length && text[i] == ',')
            {
                i++;
                continue;
            }

            if (i < text.Length && text[i] == '\r')
            {
                i++;
            }

            if (i < text.Length && text[i] == '\n')
            {
                i++;
            }

            records.Add([.. fields]);
            fields.Clear();
        }

        return records;
    }

    /// <summary>The rows as column-name → value maps (the header row names the columns).</summary>
    public static IReadOnlyList<Dictionary<string, string>> ReadFile(string path)
    {
        var records = Parse(File.ReadAllText(path, Encoding.UTF8));
        var header = records[0];
        return [.. records.Skip(1).Select((r, i) => r.Length == header.Length
            ? header.Zip(r).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal)
            : throw new FormatException($"{path} record {i + 2} has {r.Length} cells, its header {header.Length}."))];
    }
}
