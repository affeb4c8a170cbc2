using Reconciler.Formats;

namespace Reconciler.Formats.Tests.Providers;

/// <summary>Opens the provider fixtures and reads them to the end, keeping the rows yielded before a rejection.</summary>
internal static class ProviderFixtures
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "providers", name);

    public static FileSample Sample(string name)
    {
        var bytes = File.ReadAllBytes(PathOf(name));
        return new FileSample(name, bytes.AsMemory(0, Math.Min(bytes.Length, 64 * 1024)));
    }

    public static ReadOutcome Read(IFormatReader reader, string name, FormatOptions? options = null)
    {
        using var stream = File.OpenRead(PathOf(name));
        return Read(reader, stream, name, options);
    }

    public static ReadOutcome Read(IFormatReader reader, Stream stream, string sourceName, FormatOptions? options = null)
    {
        var context = new ReadContext(sourceName, options ?? new FormatOptions());
        var rows = new List<ParsedRow>();
        FileRejectedException? rejection = null;
        try
        {
            foreach (var row in reader.Read(stream, context))
            {
                rows.Add(row);
            }
        }
        catch (FileRejectedException ex)
        {
            rejection = ex;
        }

        return new ReadOutcome(rows, context, rejection);
    }
}

internal sealed record ReadOutcome(List<ParsedRow> Rows, ReadContext Context, FileRejectedException? Rejection)
{
    public List<Reconciler.Core.Evidence.SettlementRecord> Settlements =>
        [.. Rows.OfType<SettlementRow>().Select(row => row.Settlement)];

    public List<QuarantinedRow> Quarantined => [.. Rows.OfType<QuarantinedRow>()];
}
