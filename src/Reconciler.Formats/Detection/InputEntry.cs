namespace Reconciler.Formats.Detection;

/// <summary>
/// One readable input: a plain file, the content of a gzip file, or one entry of a zip (<see cref="EntryName"/> is the
/// entry's name inside the archive, empty otherwise).
/// </summary>
public sealed record InputEntry(string SourceName, IFormatReader Reader, Func<Stream> Open, string EntryName = "");
