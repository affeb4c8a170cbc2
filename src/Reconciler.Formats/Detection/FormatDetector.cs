using System.IO.Compression;

namespace Reconciler.Formats.Detection;

/// <summary>
/// Finds out what a file in the inbox is: takes it out of gzip or zip (zip entry names in GBK when the archive
/// does not flag them UTF-8, as Alipay's downloads do), then asks every reader, in registration order, whether it
/// recognises the content. A forced format (the <c>--format</c> option, or a folder named after a format) wins.
/// </summary>
public sealed class FormatDetector(IEnumerable<IFormatReader> readers)
{
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

    public DetectedFile Detect(string path, string? forcedFormat = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        IFormatReader? forced = null;
        if (forcedFormat is not null)
        {
            forced = Find(forcedFormat) ?? throw new UnrecognisedFormatException(
                $"{path}: format '{forcedFormat}' does not exist; known formats: {string.Join(", ", Readers.Select(r => r.Format))}.");
        }

        var name = Path.GetFileName(path);
        var head = ReadHead(() => File.OpenRead(path));
        if (IsGzip(head))
        {
            var innerName = name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? name[..^3] : name;
            Stream OpenGzip() => new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            var reader = Choose(new FileSample(innerName, ReadHead(OpenGzip)), forced, isSoleEntry: true)
                ?? throw Unrecognised(path);
            return new DetectedFile([new InputEntry($"{name}!{innerName}", reader, OpenGzip)], []);
        }

        if (IsZip(head))
        {
            return DetectZip(path, name, forced);
        }

        var plain = Choose(new FileSample(name, head), forced, isSoleEntry: true) ?? throw Unrecognised(path);
        return new DetectedFile([new InputEntry(name, plain, () => File.OpenRead(path))], []);
    }

    private DetectedFile DetectZip(string path, string name, IFormatReader? forced)
    {
        var entries = new List<InputEntry>();
        var skipped = new List<string>();
        using (var archive = OpenArchive(path))
        {
            var files = archive.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();
            foreach (var entry in files)
            {
                var entryName = entry.FullName;
                var sample = new FileSample(Path.GetFileName(entryName), ReadHead(entry.Open));
                var reader = Choose(sample, forced, isSoleEntry: files.Count == 1);
                if (reader is null)
                {
                    skipped.Add($"{name}!{entryName}: not a detail file of any known format");
                    continue;
                }

                entries.Add(new InputEntry($"{name}!{entryName}", reader, () => OpenEntry(path, entryName), entryName));
            }
        }

        if (entries.Count == 0)
        {
            throw Unrecognised(path);
        }

        return new DetectedFile(entries, skipped);
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
