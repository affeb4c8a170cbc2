namespace Reconciler.Core.Matching;

/// <summary>The snake_case names findings carry in files, the database and the API.</summary>
public static class FindingKindNames
{
    private static readonly Dictionary<FindingKind, string> Names = new()
    {
        [FindingKind.DuplicateCharge] = "duplicate_charge",
        [FindingKind.ChargedNotDelivered] = "charged_not_delivered",
        [FindingKind.PartiallyDelivered] = "partially_delivered",
        [FindingKind.DeliveredWrongAccount] = "delivered_wrong_account",
        [FindingKind.AmountMismatch] = "amount_mismatch",
        [FindingKind.DeliveredNotCharged] = "delivered_not_charged",
        [FindingKind.OrphanCharge] = "orphan_charge",
        [FindingKind.Pending] = "pending",
        [FindingKind.CompensatedButResolved] = "compensated_but_resolved",
    };

    private static readonly Dictionary<string, FindingKind> Kinds =
        Names.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    public static string ToName(this FindingKind kind) => Names[kind];

    public static FindingKind Parse(string name) =>
        Kinds.TryGetValue(name, out var kind)
            ? kind
            : throw new ArgumentException($"'{name}' is not a finding kind; expected one of {string.Join(", ", Kinds.Keys)}.", nameof(name));
}
