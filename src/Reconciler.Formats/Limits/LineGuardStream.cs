using Reconciler.Formats.Detection;

namespace Reconciler.Formats.Limits;

/// <summary>
/// Passes a file's bytes through line by line and replaces every physical line longer than
/// <see cref="InputLimits.MaxLineBytes"/>, or holding a NUL byte, with an empty line (every reader skips empty lines),
/// remembering its number, length and first bytes; so no reader ever buffers more than one line of the limit's size,
/// and the line is quarantined instead of lost. A UTF-8 BOM opening any line after the first is dropped. Line numbers stay the physical ones: lines end at LF. Leaves the inner stream open.
/// </summary>
public sealed class LineGuardStream : ReadOnlyStream
{
    private const int ChunkBytes = 64 * 1024;

    private readonly Stream _inner;
    private readonly int _maxLineBytes;
    private readonly int _keepBytes;
    private readonly byte[] _chunk = new byte[ChunkBytes];
    private readonly MemoryStream _line = new();
    private readonly MemoryStream _ready = new();
    private readonly List<GuardedLine> _found = [];
    private readonly HashSet<long> _guardedLineNumbers = [];
    private byte[] _prefix = [];
    private long _readyPosition;
    private long _lineNumber = 1;
    private long _skippedBytes;
    private bool _skipping;
    private bool _hasNul;
    private bool _eof;

    public LineGuardStream(Stream inner, int maxLineBytes, int keepBytes)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _maxLineBytes = maxLineBytes;
        _keepBytes = Math.Min(keepBytes, maxLineBytes);
    }

    /// <summary>Whether the physical line <paramref name="lineNumber"/> was too long (and replaced by an empty one).</summary>
    public bool IsGuardedLine(long lineNumber) => _guardedLineNumbers.Contains(lineNumber);

    /// <summary>The lines taken out since the last call.</summary>
    public IReadOnlyList<GuardedLine> TakeFound()
    {
        if (_found.Count == 0)
        {
            return [];
        }

        var found = _found.ToList();
        _found.Clear();
        return found;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            var available = (int)Math.Min(_ready.Length - _readyPosition, buffer.Length);
            if (available > 0)
            {
                _ready.GetBuffer().AsSpan((int)_readyPosition, available).CopyTo(buffer);
                _readyPosition += available;
                return available;
            }

            if (_eof || buffer.Length == 0)
            {
                return 0;
            }

            _ready.SetLength(0);
            _readyPosition = 0;
            Fill();
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // The caller owns the inner stream.
            _line.Dispose();
            _ready.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Fill()
    {
        var read = _inner.Read(_chunk, 0, _chunk.Length);
        if (read == 0)
        {
            _eof = true;
            EndLine(lineFeed: false);
            return;
        }

        var rest = _chunk.AsSpan(0, read);
        while (true)
        {
            var lf = rest.IndexOf((byte)'\n');
            Take(lf < 0 ? rest : rest[..lf]);
            if (lf < 0)
            {
                return;
            }

            EndLine(lineFeed: true);
            rest = rest[(lf + 1)..];
        }
    }

    private void Take(ReadOnlySpan<byte> segment)
    {
        if (_skipping)
        {
            _skippedBytes += segment.Length;
            return;
        }

        _hasNul |= segment.Contains((byte)0);
        if (_line.Length + segment.Length <= _maxLineBytes)
        {
            _line.Write(segment);
            return;
        }

        // Keep the first bytes for the quarantine and let the rest of the line go by without holding it.
        _prefix = Prefix(segment);
        _skippedBytes = _line.Length + segment.Length;
        _skipping = true;
        _line.SetLength(0);
    }

    private byte[] Prefix(ReadOnlySpan<byte> segment)
    {
        var kept = new byte[_keepBytes];
        var fromLine = (int)Math.Min(_line.Length, _keepBytes);
        _line.GetBuffer().AsSpan(0, fromLine).CopyTo(kept);
        var fromSegment = Math.Min(segment.Length, _keepBytes - fromLine);
        segment[..fromSegment].CopyTo(kept.AsSpan(fromLine));
        return kept[..(fromLine + fromSegment)];
    }

    private void EndLine(bool lineFeed)
    {
        if (_skipping || _hasNul)
        {
            var bytes = _skipping ? _skippedBytes : _line.Length;
            _found.Add(new GuardedLine(_lineNumber, bytes, _skipping ? _prefix : Prefix([]), _skipping));
            _guardedLineNumbers.Add(_lineNumber);
            _skipping = false;
            _hasNul = false;
            _prefix = [];
            _skippedBytes = 0;
            _line.SetLength(0);
        }
        else
        {
            var line = _line.GetBuffer().AsSpan(0, (int)_line.Length);
            // A BOM starting a later line comes from files joined with cat; it is no part of the first field.
            if (_lineNumber > 1 && line.StartsWith(TextEncodings.Utf8Bom))
            {
                line = line[TextEncodings.Utf8Bom.Length..];
            }

            _ready.Write(line);
            _line.SetLength(0);
        }

        if (lineFeed)
        {
            _ready.WriteByte((byte)'\n');
            _lineNumber++;
        }
    }
}
