using Reconciler.Core.Matching;

namespace Reconciler.Storage.Reconciliation;

/// <summary>The compensation actions as the SQL of the finding merge and the report names them.</summary>
internal static class CompensationActionSql
{
    /// <summary>
    /// The actions the compensation workflow carries out itself (<see cref="CompensationActionNames.IsAutomatic"/>) as an
    /// SQL list (<c>'refund', 'redeliver'</c>): which findings get a request, and which compensation the report sums.
    /// </summary>
    public static readonly string Automatic = string.Join(
        ", ", Enum.GetValues<CompensationAction>().Where(a => a.IsAutomatic()).Select(a => "'" + a.ToName() + "'"));
}
