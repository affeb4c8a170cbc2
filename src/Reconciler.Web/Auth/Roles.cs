namespace Reconciler.Web.Auth;

/// <summary>The roles an API key can carry, and the policies built on them.</summary>
public static class Roles
{
    /// <summary>Reads runs, findings and reports.</summary>
    public const string Finance = "finance";

    /// <summary>Reads like finance, asks for reruns, opens the Hangfire dashboard.</summary>
    public const string Operator = "operator";

    /// <summary>The compensation workflow: the queue only.</summary>
    public const string Compensation = "compensation";

    public static IReadOnlyList<string> All { get; } = [Finance, Operator, Compensation];

    /// <summary>Policy: read runs and reports (finance or operator).</summary>
    public const string ReadPolicy = "read";

    /// <summary>Policy: operate (reruns, dashboard).</summary>
    public const string OperatePolicy = "operate";

    /// <summary>Policy: the compensation queue.</summary>
    public const string CompensationPolicy = "compensation";
}
