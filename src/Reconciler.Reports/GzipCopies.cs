using System.Collections.Concurrent;
using System.IO.Compression;

namespace Reconciler.Reports;

/// <summary>
/// gzip copies of a run's outputs, made as they are written (a run stores its outputs compressed in the database):
/// compressing them afterwards read 120 MB back and compressed it on one core after everything else was done. Each copy
/// goes to a file beside the output's temporary copy (<c>NAME.gz.tmp</c> in the output folder), removed on
/// <see cref="Dispose"/>: held in memory, the copies of a 10 M-order day (a million findings, 1.2 GB of outputs) were
/// most of the run's peak RSS. A run killed before it disposes them leaves them where the next run of the date writes
/// its own over them and <see cref="ReportWriter.DeleteTemporaries"/> looks (in the system's temporary folder a killed
/// run's copies were never found again).
/// </summary>
/// <param name="written">
/// Told an output's file name once its copy is complete (on the thread that wrote it), so that the copy can be stored
/// while the other outputs are still being written.
/// </param>
public sealed class GzipCopies(Action<string>? written = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, string> _copies = new(StringComparer.Ordinal);

    /// <summary>Opens the gzip copy of the output named <paramref name="name"/> (mismatches.csv, …) for reading, or null if none was made.</summary>
    public Stream? OpenRead(string name) =>
        _copies.TryGetValue(name, out var path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan)
            : null;

    /// <summary>Where the gzip copy of the output <paramref name="outputPath"/> is kept while the run stores it.</summary>
    internal static string CopyPathOf(string outputPath) => outputPath + ".gz.tmp";

    /// <summary>
    /// Runs <paramref name="write"/> on a stream that writes to <paramref name="file"/> and to a gzip copy of the output
    /// <paramref name="outputPath"/>, named by its file name and kept at <see cref="CopyPathOf"/>.
    /// </summary>
    internal void Write(string outputPath, Stream file, Action<Stream> write)
    {
        var copyPath = CopyPathOf(outputPath);
        using (var copy = new FileStream(copyPath, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024))
        using (var gzip = new GZipStream(copy, CompressionLevel.Fastest, leaveOpen: true))
        using (var tee = new TeeStream(file, gzip))
        {
            write(tee);
        }

        var name = Path.GetFileName(outputPath);
        _copies[name] = copyPath;
        written?.Invoke(name);
    }

    public void Dispose()
    {
        foreach (var path in _copies.Values)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Still open elsewhere: the next run of the date writes over it, DeleteTemporaries removes it.
            }
        }

        _copies.Clear();
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
