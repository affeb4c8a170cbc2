namespace Reconciler.Formats.Providers;

/// <summary>Splits a stream into physical lines of bytes (LF ends a line, a CR before it is dropped), one buffer at a time.</summary>
internal static class ByteLines
{
    private const int BufferBytes = 64 * 1024;

    public static IEnumerable<(long Number, byte[] Bytes)> Read(Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var buffer = new byte[BufferBytes];
        var pending = new MemoryStream();
        long number = 0;
        int read;
        while ((read = content.Read(buffer, 0, buffer.Length)) > 0)
        {
            var start = 0;
            while (start < read)
            {
                var lf = Array.IndexOf(buffer, (byte)'\n', start, read - start);
                if (lf < 0)
                {
                    pending.Write(buffer, start, read - start);
                    break;
                }

                pending.Write(buffer, start, lf - start);
                number++;
                yield return (number, TakeLine(pending));
                start = lf + 1;
            }
        }

        if (pending.Length > 0)
        {
            number++;
            yield return (number, TakeLine(pending));
        }
    }

    private static byte[] TakeLine(MemoryStream pending)
    {
        // One copy of the line, its CR left behind (copied whole and then resized, a CRLF line was copied twice).
        var line = pending.GetBuffer().AsSpan(0, checked((int)pending.Length));
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        var bytes = line.ToArray();
        pending.SetLength(0);
        return bytes;
    }
}
