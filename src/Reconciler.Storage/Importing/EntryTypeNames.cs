using Reconciler.Core.Evidence;

namespace Reconciler.Storage.Importing;

/// <summary>The snake_case names settlement entry types are stored under.</summary>
public static class EntryTypeNames
{
    public static string ToName(SettlementEntryType type) => type switch
    {
        SettlementEntryType.Payment => "payment",
        SettlementEntryType.Refund => "refund",
        SettlementEntryType.Chargeback => "chargeback",
        SettlementEntryType.ChargebackReversal => "chargeback_reversal",
        SettlementEntryType.Fee => "fee",
        SettlementEntryType.Payout => "payout",
        SettlementEntryType.Other => "other",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
