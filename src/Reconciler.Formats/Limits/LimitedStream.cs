using System.Globalization;
using Reconciler.Formats.Detection;

namespace Reconciler.Formats.Limits;

/// <summary>
/// Passes a file's (decompressed) content through and refuses the file the moment it outgrows
/// <see cref="InputLimits.MaxEntryBytes"/> or, for compressed content, <see cref="InputLimits.MaxCompressionRatio"/>:
/// a zip bomb is stopped after a bounded amount of work, whatever its headers claim.
/// </summary>
public sealed class LimitedStream : ReadOnlyStream
{
    /// <summary>Below this many decompressed bytes the ratio is not judged: small files compress oddly and cost nothing.</summary>
    public const long RatioFloorBytes = 1024 * 1024;

    private readonly Stream _inner;
    private readonly string _sourceName;
    private readonly InputLimits _limits;
    private readonly long _compressedBytes;
    private long _read;

    /// <param name="compressedBytes">The compressed size the content came from, or 0 when it was not compressed.</param>
    public LimitedStream(Stream inner, string sourceName, InputLimits limits, long compressedBytes)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(limits);
        _inner = inner;
        _sourceName = sourceName;
        _limits = limits;
        _compressedBytes = compressedBytes;
    }

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    /// <summary>Refuses content whose declared sizes (a zip's central directory) already break a limit, before reading it.</summary>
    public static string? CheckDeclared(string sourceName, InputLimits limits, long declaredBytes, long compressedBytes)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (declaredBytes > limits.MaxEntryBytes)
        {
            return TooLarge(sourceName, limits, declaredBytes, "declares");
        }

        return compressedBytes > 0 && declaredBytes > RatioFloorBytes && declaredBytes / compressedBytes > limits.MaxCompressionRatio
            ? TooCompressed(sourceName, limits, declaredBytes, compressedBytes, "declares")
            : null;
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(_inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(_inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await _inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int read)
    {
        _read += read;
        if (_read > _limits.MaxEntryBytes)
        {
            throw new FileRejectedException(RejectionKind.Unreadable, TooLarge(_sourceName, _limits, _limits.MaxEntryBytes, "holds more than"));
        }

        if (_compressedBytes > 0 && _read > RatioFloorBytes && _read / _compressedBytes > _limits.MaxCompressionRatio)
        {
            throw new FileRejectedException(RejectionKind.Unreadable, TooCompressed(_sourceName, _limits, _read, _compressedBytes, "decompresses to more than"));
        }

        return read;
    }

    private static string TooLarge(string sourceName, InputLimits limits, long bytes, string verb) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{sourceName}: {verb} {bytes} bytes, over the limit Reconciler:Limits:MaxEntryBytes = {limits.MaxEntryBytes}; the file was not imported.");

    private static string TooCompressed(string sourceName, InputLimits limits, long bytes, long compressed, string verb) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{sourceName}: {verb} {bytes} bytes from {compressed} compressed ({bytes / compressed}:1), over the limit Reconciler:Limits:MaxCompressionRatio = {limits.MaxCompressionRatio}:1; a zip bomb? The file was not imported.");
}
