namespace Reconciler.Storage.Reconciliation;

/// <summary>What a run's findings changed in the database.</summary>
public sealed record FindingChanges(
    long New,
    long StillOpen,
    long Resolved,
    long RequestsCreated,
    long RequestsUpdated,
    long RequestsWithdrawn,
    long CompensatedButResolved);
