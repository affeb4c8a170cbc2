using System.Text.Json;

namespace Reconciler.Storage.Compensation;

/// <summary>
/// The answer of a queue operation as the HTTP API and the CLI give it: an outcome with its status code and the JSON
/// body; <see cref="Replayed"/> when it is the stored first answer to the same Idempotency-Key.
/// </summary>
public sealed record QueueAnswer(QueueOutcome Outcome, string Body, bool Replayed = false)
{
    public int StatusCode => (int)Outcome;

    public bool IsOk => Outcome == QueueOutcome.Ok;

    /// <summary>The body read as <typeparamref name="T"/> (the records of this folder).</summary>
    public T Read<T>() => JsonSerializer.Deserialize<T>(Body, QueueJson.Options)
        ?? throw new InvalidOperationException($"The queue answer body is empty: {Body}");

    internal static QueueAnswer Of<T>(QueueOutcome outcome, T body) => new(outcome, JsonSerializer.Serialize(body, QueueJson.Options));

    internal static QueueAnswer Bad(string error) =>
        Of(QueueOutcome.BadRequest, new QueueError(error, QueueConflicts.BadRequest, null, null));

    internal static QueueAnswer Conflict(string error, string reason, string? requestId, string? state) =>
        Of(QueueOutcome.Conflict, new QueueError(error, reason, requestId, state));
}
