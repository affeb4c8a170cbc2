namespace Reconciler.Jobs.Importing;

/// <summary>An inbox file or archive entry refused before reading (a limit, a link), recorded as rejected with the reason.</summary>
public sealed record RefusedFile(string SourceName, string Sha256, string Reason);
