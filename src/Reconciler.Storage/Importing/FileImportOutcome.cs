namespace Reconciler.Storage.Importing;

/// <summary>What became of one file: imported (with counts), a duplicate of an earlier file, rejected, or a "no bill" answer.</summary>
public sealed record FileImportOutcome(string Status, long? FileId, long RowsImported, long RowsQuarantined, string? Detail)
{
    public const string Imported = "imported";
    public const string Duplicate = "duplicate";
    public const string Rejected = "rejected";
    public const string NoBill = "no_bill";
}
