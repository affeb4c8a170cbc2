using System.Text;

namespace Reconciler.Formats.Tests.Support;

/// <summary>Fixture access and a one-call way to run a reader over bytes or a fixture.</summary>
internal static class TestFiles
{
    public const string ExampleDay = "Examples/2026-11-18";

    public static string PathOf(string relative) => Path.Combine(AppContext.BaseDirectory, "TestData", relative);

    public static IReadOnlyList<ParsedRow> ReadFixture(IFormatReader reader, string relative, ReadContext? context = null)
    {
        using var stream = File.OpenRead(PathOf(relative));
        return [.. reader.Read(stream, context ?? Context(Path.GetFileName(relative)))];
    }

    public static IReadOnlyList<ParsedRow> ReadText(IFormatReader reader, string text, string sourceName, ReadContext? context = null) =>
        ReadBytes(reader, Encoding.UTF8.GetBytes(text), sourceName, context);

    public static IReadOnlyList<ParsedRow> ReadBytes(IFormatReader reader, byte[] bytes, string sourceName, ReadContext? context = null)
    {
        using var stream = new MemoryStream(bytes);
        return [.. reader.Read(stream, context ?? Context(sourceName))];
    }

    public static ReadContext Context(string sourceName, FormatOptions? options = null) => new(sourceName, options ?? new FormatOptions());

    public static FileSample Sample(string relative)
    {
        var bytes = File.ReadAllBytes(PathOf(relative));
        return new FileSample(Path.GetFileName(relative), bytes.AsMemory(0, Math.Min(bytes.Length, 64 * 1024)));
    }

    public static FileSample Sample(string name, string text) => new(name, Encoding.UTF8.GetBytes(text));
}
