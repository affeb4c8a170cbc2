using Reconciler.Core.Matching;

namespace Reconciler.Reports.Model;

/// <summary>The orders a report lists findings in.</summary>
public enum FindingOrder
{
    /// <summary>By order number (else provider transaction id), kind and finding id: mismatches.csv and summary.json.</summary>
    ByKey,

    /// <summary>Compensation amount (else charged amount) largest first, then as <see cref="ByKey"/>: report.html.</summary>
    LargestAmountFirst,
}

/// <summary>
/// Findings of a run as a report lists them (those it still sees, or those resolved since the previous run): their
/// counts, and the findings themselves read in a given order each time a writer asks. A run's are streamed from the
/// database on every read, so that a day of 300k findings is never held whole; <see cref="Of"/> keeps a list in memory.
/// </summary>
/// <param name="count">How many findings.</param>
/// <param name="firstSeen">How many are first seen by this run (status <c>new</c>).</param>
/// <param name="open">How many were seen before and are still there (status <c>open</c>).</param>
/// <param name="pending">How many are of kind <c>pending</c>.</param>
public abstract class ReportedFindings(int count, long firstSeen, long open, long pending) : IEnumerable<ReportedFinding>
{
    public static ReportedFindings Empty { get; } = Of([]);

    /// <summary>How many findings.</summary>
    public int Count { get; } = count;

    /// <summary>How many are first seen by this run (status <c>new</c>).</summary>
    public long New { get; } = firstSeen;

    /// <summary>How many were seen before and are still there (status <c>open</c>).</summary>
    public long Open { get; } = open;

    /// <summary>How many are of kind <c>pending</c>.</summary>
    public long Pending { get; } = pending;

    /// <summary>The findings in <paramref name="order"/>, read afresh; several reads may run side by side.</summary>
    public abstract IEnumerable<ReportedFinding> Read(FindingOrder order);

    /// <summary>The findings in <see cref="FindingOrder.ByKey"/>, read afresh by every enumeration.</summary>
    public IEnumerator<ReportedFinding> GetEnumerator() => Read(FindingOrder.ByKey).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Findings kept in memory (tests, small reports).</summary>
    public static ReportedFindings Of(IEnumerable<ReportedFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        return new InMemory([.. findings]);
    }

    /// <summary>
    /// Sorts in memory exactly as the database sorts a run's findings (ordinal text, which is PostgreSQL's <c>"C"</c>
    /// collation for the ASCII of order numbers, kinds and ids).
    /// </summary>
    public static IEnumerable<ReportedFinding> Sort(IEnumerable<ReportedFinding> findings, FindingOrder order)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var byKey = order switch
        {
            FindingOrder.ByKey => findings.OrderBy(f => Key(f), StringComparer.Ordinal),
            FindingOrder.LargestAmountFirst => findings
                .OrderByDescending(f => f.Finding.CompensationAmount ?? f.Finding.ChargedAmount ?? decimal.MinValue)
                .ThenBy(f => Key(f), StringComparer.Ordinal),
            _ => throw new ArgumentOutOfRangeException(nameof(order), order, null),
        };
        return byKey.ThenBy(f => f.Finding.Kind.ToName(), StringComparer.Ordinal).ThenBy(f => f.Finding.FindingId, StringComparer.Ordinal);
    }

    private static string Key(ReportedFinding f) => f.Finding.OrderNo ?? f.Finding.ProviderTxnId ?? string.Empty;

    private sealed class InMemory(IReadOnlyList<ReportedFinding> findings) : ReportedFindings(
        findings.Count,
        findings.LongCount(f => f.Status == ReportStatus.New),
        findings.LongCount(f => f.Status == ReportStatus.Open),
        findings.LongCount(f => f.Finding.Kind == FindingKind.Pending))
    {
        public override IEnumerable<ReportedFinding> Read(FindingOrder order) => Sort(findings, order);
    }
}
