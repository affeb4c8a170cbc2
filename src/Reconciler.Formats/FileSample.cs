using System.Text;

namespace Reconciler.Formats;

/// <summary>The first bytes of a file (already taken out of gzip or zip), for format recognition.</summary>
public sealed class FileSample(string fileName, ReadOnlyMemory<byte> head)
{
    private string? _utf8;
    private string? _gbk;

    public string FileName { get; } = fileName;

    public ReadOnlyMemory<byte> Head { get; } = head;

    /// <summary>The head decoded as UTF-8 without its BOM.</summary>
    public string Utf8Text => _utf8 ??= Decode(TextEncodings.Utf8);

    /// <summary>The head decoded as GBK (code page 936).</summary>
    public string GbkText => _gbk ??= Decode(TextEncodings.Gbk);

    /// <summary>The first non-empty line of the UTF-8 text, without a BOM or a line end.</summary>
    public string FirstUtf8Line => FirstLine(Utf8Text);

    public static string FirstLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.Length > 0)
            {
                return trimmed;
            }
        }

        return string.Empty;
    }

    private string Decode(Encoding encoding)
    {
        var span = Head.Span;
        if (span.StartsWith(TextEncodings.Utf8Bom))
        {
            span = span[TextEncodings.Utf8Bom.Length..];
        }

        return encoding.GetString(span);
    }
}
