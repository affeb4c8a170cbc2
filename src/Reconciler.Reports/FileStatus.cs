namespace Reconciler.Reports;

/// <summary>The values of <see cref="Model.FileReport.Status"/>: what became of an input file.</summary>
public static class FileStatus
{
    /// <summary>Read and staged.</summary>
    public const string Imported = "imported";

    /// <summary>The same bytes as a file seen earlier; the detail names that file.</summary>
    public const string Duplicate = "duplicate";

    /// <summary>Refused whole (its own control totals disagree with its rows, ...); the detail says why.</summary>
    public const string Rejected = "rejected";

    /// <summary>The provider answered with "no bill exists" instead of a bill.</summary>
    public const string NoBill = "no_bill";

    /// <summary>No reader recognised the content.</summary>
    public const string Unrecognised = "unrecognised";
}
