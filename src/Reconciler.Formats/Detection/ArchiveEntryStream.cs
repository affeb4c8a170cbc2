using System.IO.Compression;

namespace Reconciler.Formats.Detection;

/// <summary>A zip entry's content stream that closes its archive and file when it is closed.</summary>
internal sealed class ArchiveEntryStream(ZipArchive archive, Stream inner) : ReadOnlyStream
{
    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            archive.Dispose();
        }

        base.Dispose(disposing);
    }
}
