namespace Reconciler.Formats.Limits;

/// <summary>
/// Bounds on what one input may cost (section <c>Reconciler:Limits</c>); the defaults lie far above any real download,
/// so only a damaged or hostile file meets them.
/// </summary>
public sealed class InputLimits
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Reconciler:Limits";

    /// <summary>Largest content of one file or archive entry once decompressed (a 10 M-order WeChat bill is about 3 GiB).</summary>
    public long MaxEntryBytes { get; set; } = 16L * 1024 * 1024 * 1024;

    /// <summary>Largest ratio of decompressed to compressed size of one gzip file or zip entry (CSV compresses 5–20×).</summary>
    public int MaxCompressionRatio { get; set; } = 200;

    /// <summary>Entries of a zip at most (Alipay's download holds two).</summary>
    public int MaxArchiveEntries { get; set; } = 1000;

    /// <summary>Longest physical line, and longest quoted CSV record, in bytes; a longer line is quarantined, its first bytes kept.</summary>
    public int MaxLineBytes { get; set; } = 1024 * 1024;

    /// <summary>Characters of raw text kept per quarantined line; the rest is cut with a marker.</summary>
    public int QuarantinedTextChars { get; set; } = 4096;

    /// <summary>Characters of quarantined text (raw text and reasons) one file may hold; beyond it the file is rejected.</summary>
    public long QuarantinedCharsPerFile { get; set; } = 32L * 1024 * 1024;

    /// <summary>Characters a report cell (report.html, <c>quarantine list</c>) shows before it is cut with a marker.</summary>
    public int ReportCellChars { get; set; } = 300;

    /// <summary>Throws when a value is out of range, naming the setting.</summary>
    public void Validate()
    {
        Require(MaxEntryBytes > 0, nameof(MaxEntryBytes));
        Require(MaxCompressionRatio > 0, nameof(MaxCompressionRatio));
        Require(MaxArchiveEntries > 0, nameof(MaxArchiveEntries));
        Require(MaxLineBytes >= 1024, nameof(MaxLineBytes), "at least 1024");
        Require(QuarantinedTextChars >= 64, nameof(QuarantinedTextChars), "at least 64");
        Require(QuarantinedCharsPerFile >= QuarantinedTextChars, nameof(QuarantinedCharsPerFile), "at least QuarantinedTextChars");
        Require(ReportCellChars >= 16, nameof(ReportCellChars), "at least 16");
    }

    /// <summary>Cuts <paramref name="text"/> to <paramref name="maxChars"/> characters, saying how long it was.</summary>
    public static string Truncate(string text, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= maxChars
            ? text
            : string.Concat(text.AsSpan(0, maxChars), $" …[cut: {text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)} characters in all]");
    }

    private static void Require(bool holds, string setting, string rule = "greater than 0")
    {
        if (!holds)
        {
            throw new InvalidOperationException($"{Section}:{setting} must be {rule}.");
        }
    }
}
