namespace Reconciler.Host.Tests.Hostile;

/// <summary>cases.json: the business date and as-of every case runs with, and the cases.</summary>
public sealed record CorpusTable(string Date, string AsOf, IReadOnlyList<CorpusCase> Cases);

/// <summary>One inbox of the corpus and what a run on it must come to.</summary>
public sealed record CorpusCase(
    string Case,
    string Why,
    int Exit,
    string? Date,
    string? Stderr,
    IReadOnlyDictionary<string, string>? Env,
    IReadOnlyList<CorpusFile>? Files,
    IReadOnlyList<string>? Findings)
{
    public override string ToString() => Case;
}

/// <summary>What must become of one file (or archive entry): status, rows, quarantined lines, and a fragment of its detail.</summary>
public sealed record CorpusFile(string Name, string Status, long Rows, long Quarantined, string Detail);
