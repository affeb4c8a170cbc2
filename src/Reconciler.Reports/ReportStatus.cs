namespace Reconciler.Reports;

/// <summary>The values of <see cref="Model.ReportedFinding.Status"/>: how a finding stands against the previous run of its date.</summary>
public static class ReportStatus
{
    /// <summary>First seen by this run.</summary>
    public const string New = "new";

    /// <summary>Seen by an earlier run and still there.</summary>
    public const string Open = "open";

    /// <summary>Open before, gone now.</summary>
    public const string Resolved = "resolved";
}
