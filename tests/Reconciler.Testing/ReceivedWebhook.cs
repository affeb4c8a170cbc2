namespace Reconciler.Testing;

/// <summary>One POST the receiver got, with the status it answered.</summary>
public sealed record ReceivedWebhook(string Method, string? Event, string? Signature, string? ContentType, byte[] Body, int AnsweredStatus);
