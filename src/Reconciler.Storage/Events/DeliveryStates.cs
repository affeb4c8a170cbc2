namespace Reconciler.Storage.Events;

/// <summary>The states of an event's delivery to one webhook.</summary>
public static class DeliveryStates
{
    public const string Pending = "pending";

    public const string Delivered = "delivered";

    public const string Failed = "failed";

    public static IReadOnlyList<string> All { get; } = [Pending, Delivered, Failed];
}
