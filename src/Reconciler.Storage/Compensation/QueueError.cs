namespace Reconciler.Storage.Compensation;

/// <summary>The body of a 400, 404 or 409: what is wrong for a person, and a stable <c>reason</c> code for a program.</summary>
public sealed record QueueError(string Error, string Reason, string? RequestId, string? State);
