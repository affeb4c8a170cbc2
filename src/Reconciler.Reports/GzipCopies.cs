using System.Collections.Concurrent;
using System.IO.Compression;

namespace Reconciler.Reports;

/// <summary>
/// gzip copies of a run's outputs, made as they are written (a run stores its outputs compressed in the database):
/// compressing them afterwards read 120 MB back and compressed it on one core after everything else was done.
/// </summary>
public sealed class GzipCopies
{
    private readonly ConcurrentDictionary<string, ArraySegment<byte>> _copies = new(StringComparer.Ordinal);

    /// <summary>The gzip copy of the output named <paramref name="name"/> (mismatches.csv, …), if one was made.</summary>
    public bool TryGet(string name, out ArraySegment<byte> gzip) => _copies.TryGetValue(name, out gzip);

    /// <summary>Runs <paramref name="write"/> on a stream that writes to <paramref name="file"/> and to a gzip copy named <paramref name="name"/>.</summary>
    internal void Write(string name, Stream file, Action<Stream> write)
    {
        var copy = new MemoryStream();
        using (var gzip = new GZipStream(copy, CompressionLevel.Fastest, leaveOpen: true))
        using (var tee = new TeeStream(file, gzip))
        {
            write(tee);
        }

        _copies[name] = new ArraySegment<byte>(copy.GetBuffer(), 0, checked((int)copy.Length));
    }

    /// <summary>Writes to a file and to its copy; flushing flushes the file (the copy is finished when it is closed).</summary>
    private sealed class TeeStream(Stream file, Stream copy) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            file.Write(buffer);
            copy.Write(buffer);
        }

        public override void WriteByte(byte value)
        {
            file.WriteByte(value);
            copy.WriteByte(value);
        }

        public override void Flush() => file.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
