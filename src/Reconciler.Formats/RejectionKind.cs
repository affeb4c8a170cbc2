namespace Reconciler.Formats;

/// <summary>Why a whole file was refused.</summary>
public enum RejectionKind
{
    /// <summary>The file's own control totals (summary row, footer) disagree with its rows: likely truncated.</summary>
    ControlTotals,

    /// <summary>The provider answered "no bill for that date" instead of a bill.</summary>
    NoBill,

    /// <summary>The file's structure cannot be read at all (no header, wrong columns, bad encoding).</summary>
    Unreadable,
}
