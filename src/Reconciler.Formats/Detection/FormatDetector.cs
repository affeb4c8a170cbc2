using System.Globalization;
using System.IO.Compression;
using Reconciler.Formats.Limits;

namespace Reconciler.Formats.Detection;

/// <summary>
/// Finds out what a file in the inbox is: takes it out of gzip or zip (zip entry names in GBK when the archive
/// does not flag them UTF-8, as Alipay's downloads do), then asks every reader, in registration order, whether it
/// recognises the content. A forced format (the <c>--format</c> option, or a folder named after a format) wins.
/// Every stream it hands out is bounded by <see cref="InputLimits"/> (size, compression ratio); an archive inside an
/// archive is refused (nesting depth 1: no real download nests), as are a zip with too many entries or with two
/// entries of one name. Entries are read in memory, never extracted, so a name such as <c>../x</c> reaches no disk.
/// </summary>
public sealed class FormatDetector(IEnumerable<IFormatReader> readers, InputLimits? limits = null)
{
    private readonly InputLimits _limits = limits ?? new InputLimits();

    private const int SampleBytes = 64 * 1024;

    public IReadOnlyList<IFormatReader> Readers { get; } = [.. readers];

    public IFormatReader? Find(string format) =>
        Readers.FirstOrDefault(r => string.Equals(r.Format, format, StringComparison.OrdinalIgnoreCase));

    /// <summary>The format a folder on the path (below the inbox) forces, if one is named after a format.</summary>
    public string? FormatForcedByFolder(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var folders = relativePath.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries).SkipLast(1).Reverse();
        return folders.Select(Find).FirstOrDefault(r => r is not null)?.Format;
    }

    /// <param name="displayName">How messages name the file (its path below the inbox); its file name when not given.</param>
    public DetectedFile Detect(string path, string? forcedFormat = null, string? displayName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        IFormatReader? forced = null;
        if (forcedFormat is not null)
        {
            forced = Find(forcedFormat) ?? throw new UnrecognisedFormatException(
                $"{path}: format '{forcedFormat}' does not exist; known formats: {string.Join(", ", Readers.Select(r => r.Format))}.");
        }

        var name = Path.GetFileName(path);
        var label = displayName ?? name;
        var head = ReadHead(() => File.OpenRead(path));
        if (IsGzip(head))
        {
            var innerName = name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? name[..^3] : name;
            var compressed = new FileInfo(path).Length;
            Stream OpenGzip() => new LimitedStream(new GZipStream(File.OpenRead(path), CompressionMode.Decompress), label, _limits, compressed);
            var reader = Choose(new FileSample(innerName, ReadHead(OpenGzip)), forced, isSoleEntry: true)
                ?? throw Unrecognised(path);
            return new DetectedFile([new InputEntry($"{name}!{innerName}", reader, OpenGzip)], []);
        }

        if (IsZip(head))
        {
            return DetectZip(path, label, forced);
        }

        var plain = Choose(new FileSample(name, head), forced, isSoleEntry: true) ?? throw Unrecognised(path);
        return new DetectedFile([new InputEntry(name, plain, () => new LimitedStream(File.OpenRead(path), label, _limits, 0))], []);
    }

    private DetectedFile DetectZip(string path, string name, IFormatReader? forced)
    {
        var entries = new List<InputEntry>();
        var skipped = new List<string>();
        var refused = new List<RefusedEntry>();
        using (var archive = OpenArchive(path))
        {
            if (archive.Entries.Count > _limits.MaxArchiveEntries)
            {
                return new DetectedFile([], []) { Refused = [new RefusedEntry(string.Empty, string.Create(CultureInfo.InvariantCulture,
                    $"{name}: {archive.Entries.Count} entries, over the limit Reconciler:Limits:MaxArchiveEntries = {_limits.MaxArchiveEntries}; the archive was not opened."))] };
            }

            var files = archive.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();
            if (files.GroupBy(e => e.FullName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                // Entries are told apart by name: a second entry of the same name could never be read.
                return new DetectedFile([], []) { Refused = [new RefusedEntry(string.Empty,
                    $"{name}: two entries are named '{twice.Key}'; the archive was not opened.")] };
            }

            foreach (var entry in files)
            {
                var entryName = entry.FullName;
                var source = $"{name}!{entryName}";
                if (LimitedStream.CheckDeclared(source, _limits, entry.Length, entry.CompressedLength) is { } tooBig)
                {
                    refused.Add(new RefusedEntry(entryName, tooBig));
                    continue;
                }

                var head = ReadHead(() => new LimitedStream(entry.Open(), source, _limits, entry.CompressedLength));
                if (IsZip(head) || IsGzip(head))
                {
                    refused.Add(new RefusedEntry(entryName, $"{source}: an archive inside an archive; archives are opened one level deep only."));
                    continue;
                }

                var sample = new FileSample(Path.GetFileName(entryName), head);
                var reader = Choose(sample, forced, isSoleEntry: files.Count == 1);
                if (reader is null)
                {
                    skipped.Add($"{name}!{entryName}: not a detail file of any known format");
                    continue;
                }

                var compressed = entry.CompressedLength;
                entries.Add(new InputEntry(source, reader, () => new LimitedStream(OpenEntry(path, entryName), source, _limits, compressed), entryName));
            }
        }

        if (entries.Count == 0 && refused.Count == 0)
        {
            throw Unrecognised(path);
        }

        return new DetectedFile(entries, skipped) { Refused = refused };
    }

    private IFormatReader? Choose(FileSample sample, IFormatReader? forced, bool isSoleEntry)
    {
        if (forced is not null)
        {
            return isSoleEntry || forced.Recognises(sample) ? forced : null;
        }

        return Readers.FirstOrDefault(r => r.Recognises(sample));
    }

    private UnrecognisedFormatException Unrecognised(string path) =>
        new($"{path}: format not recognised from its content; tried {string.Join(", ", Readers.Select(r => r.Format))}. " +
            "Put it in a folder named after its format or pass --format.");

    private static ZipArchive OpenArchive(string path) =>
        new(File.OpenRead(path), ZipArchiveMode.Read, leaveOpen: false, entryNameEncoding: TextEncodings.Gbk);

    private static ArchiveEntryStream OpenEntry(string path, string entryName)
    {
        var archive = OpenArchive(path);
        try
        {
            var entry = archive.GetEntry(entryName) ?? throw new FileNotFoundException($"{path}: zip entry '{entryName}' is gone.");
            return new ArchiveEntryStream(archive, entry.Open());
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    private static byte[] ReadHead(Func<Stream> open)
    {
        using var stream = open();
        var buffer = new byte[SampleBytes];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }

        return buffer[..total];
    }

    private static bool IsGzip(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x1F && head[1] == 0x8B;

    private static bool IsZip(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4;
}
