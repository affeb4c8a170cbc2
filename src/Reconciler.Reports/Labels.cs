using Reconciler.Core.Matching;

namespace Reconciler.Reports;

/// <summary>The words a finance reader sees for the snake_case names the files and the database use.</summary>
internal static class Labels
{
    public static string Kind(FindingKind kind) => kind switch
    {
        FindingKind.DuplicateCharge => "Duplicate charge",
        FindingKind.ChargedNotDelivered => "Charged, not delivered",
        FindingKind.PartiallyDelivered => "Partially delivered",
        FindingKind.DeliveredWrongAccount => "Delivered to another account",
        FindingKind.AmountMismatch => "Charged amount differs from order",
        FindingKind.DeliveredNotCharged => "Delivered, not charged",
        FindingKind.OrphanCharge => "Charge without an order",
        FindingKind.Pending => "Pending",
        FindingKind.CompensatedButResolved => "Compensated, but resolved itself",
        _ => kind.ToString(),
    };

    /// <summary>The label of a kind given by its snake_case name; an unknown name is shown as it is.</summary>
    public static string Kind(string name)
    {
        try
        {
            return Kind(FindingKindNames.Parse(name));
        }
        catch (ArgumentException)
        {
            return name;
        }
    }

    public static string Action(CompensationAction action) => action switch
    {
        CompensationAction.None => "None",
        CompensationAction.ManualReview => "Manual review",
        CompensationAction.Refund => "Refund (automatic)",
        CompensationAction.Redeliver => "Re-deliver (automatic)",
        _ => action.ToString(),
    };

    public static string FindingStatus(string status) => status switch
    {
        ReportStatus.New => "New",
        ReportStatus.Open => "Still open",
        ReportStatus.Resolved => "Resolved",
        _ => status,
    };

    public static string FileStatus(string status) => status switch
    {
        Reports.FileStatus.Imported => "Imported",
        Reports.FileStatus.Duplicate => "Duplicate — skipped",
        Reports.FileStatus.Rejected => "Rejected",
        Reports.FileStatus.NoBill => "No bill",
        Reports.FileStatus.Unrecognised => "Not recognised",
        _ => status,
    };
}
