using Reconciler.Formats.Limits;

namespace Reconciler.Formats;

/// <summary>What a reader is told about the file it reads, and what it tells back besides the rows.</summary>
public sealed class ReadContext(string sourceName, FormatOptions options)
{
    /// <summary>The file's name as a person knows it (zip entries as <c>archive.zip!entry.csv</c>), for messages.</summary>
    public string SourceName { get; } = sourceName;

    public FormatOptions Options { get; } = options;

    /// <summary>The bounds the reader keeps (its CSV records at most <see cref="InputLimits.MaxLineBytes"/>).</summary>
    public InputLimits Limits { get; init; } = new();

    /// <summary>The provider a settlement file belongs to (wechat, alipay, unionpay, stripe, adyen), set by the reader.</summary>
    public string? Provider { get; set; }

    /// <summary>The file's own control totals as the file states them, in words, for the report.</summary>
    public string? ControlSummary { get; set; }

    /// <summary>The business dates the file says it covers (from its header or file name), when it says so.</summary>
    public DateOnly? PeriodStart { get; set; }

    /// <inheritdoc cref="PeriodStart"/>
    public DateOnly? PeriodEnd { get; set; }
}
