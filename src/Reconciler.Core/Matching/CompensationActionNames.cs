namespace Reconciler.Core.Matching;

/// <summary>The snake_case names of <see cref="CompensationAction"/> used in files, the database and the API.</summary>
public static class CompensationActionNames
{
    public static string ToName(this CompensationAction action) => action switch
    {
        CompensationAction.None => "none",
        CompensationAction.ManualReview => "manual_review",
        CompensationAction.Refund => "refund",
        CompensationAction.Redeliver => "redeliver",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    public static CompensationAction Parse(string name) => name switch
    {
        "none" => CompensationAction.None,
        "manual_review" => CompensationAction.ManualReview,
        "refund" => CompensationAction.Refund,
        "redeliver" => CompensationAction.Redeliver,
        _ => throw new ArgumentException($"'{name}' is not a compensation action; expected none, manual_review, refund or redeliver.", nameof(name)),
    };

    /// <summary>Whether the action moves money or goods without a person deciding.</summary>
    public static bool IsAutomatic(this CompensationAction action) =>
        action is CompensationAction.Refund or CompensationAction.Redeliver;
}
