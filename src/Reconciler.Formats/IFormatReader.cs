using Reconciler.Core.Evidence;

namespace Reconciler.Formats;

/// <summary>Reads one file format into evidence rows, streaming, never holding the whole file.</summary>
public interface IFormatReader
{
    /// <summary>The format's name as DESIGN.md gives it (<c>wechat-bill</c>); also the subfolder name that forces it.</summary>
    string Format { get; }

    EvidenceKind Kind { get; }

    /// <summary>Whether the file's head is this format; must not claim another format's files.</summary>
    bool Recognises(FileSample sample);

    /// <summary>
    /// Yields every line as evidence or as a quarantined line. Throws <see cref="FileRejectedException"/>
    /// (possibly after yielding rows, which the importer then discards) when the whole file must be refused.
    /// </summary>
    IEnumerable<ParsedRow> Read(Stream content, ReadContext context);
}
