using System.Globalization;
using System.Text;

namespace Reconciler.Formats.Limits;

/// <summary>
/// Runs a reader over content whose over-long lines and lines holding NUL bytes are taken out by a
/// <see cref="LineGuardStream"/>, and puts each of those lines among the reader's rows as a quarantined line with its
/// first bytes.
/// </summary>
public static class GuardedRead
{
    public static IEnumerable<ParsedRow> Read(IFormatReader reader, Stream content, ReadContext context)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        return ReadGuarded(reader, content, context);
    }

    private static IEnumerable<ParsedRow> ReadGuarded(IFormatReader reader, Stream content, ReadContext context)
    {
        var limits = context.Limits;
        // Room for the length marker, so the stored text stays within QuarantinedTextChars.
        using var guard = new LineGuardStream(content, limits.MaxLineBytes, Math.Max(16, limits.QuarantinedTextChars - 64));
        foreach (var row in reader.Read(guard, context))
        {
            foreach (var guarded in guard.TakeFound())
            {
                yield return Quarantine(guarded, context, limits);
            }

            // The reader saw an empty line there; the guard's own row already stands for it.
            if (row is QuarantinedRow quarantined && guard.IsGuardedLine(quarantined.LineNumber))
            {
                continue;
            }

            yield return row;
        }

        foreach (var guarded in guard.TakeFound())
        {
            yield return Quarantine(guarded, context, limits);
        }
    }

    private static QuarantinedRow Quarantine(GuardedLine line, ReadContext context, InputLimits limits)
    {
        var text = Encoding.UTF8.GetString(line.Prefix).TrimEnd('\r').Replace('\0', '\uFFFD');
        if (line.Bytes > line.Prefix.Length)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" …[cut: {line.Bytes} bytes in all]");
        }

        var reason = line.TooLong
            ? string.Create(CultureInfo.InvariantCulture,
                $"{context.SourceName} line {line.LineNumber}: {line.Bytes} bytes, longer than the limit Reconciler:Limits:MaxLineBytes = {limits.MaxLineBytes}; only its first {line.Prefix.Length} bytes are kept")
            : string.Create(CultureInfo.InvariantCulture,
                $"{context.SourceName} line {line.LineNumber}: holds a NUL byte (binary data, or a UTF-16 file); no text format has one (shown as U+FFFD)");
        return new QuarantinedRow(line.LineNumber, text, reason);
    }
}
