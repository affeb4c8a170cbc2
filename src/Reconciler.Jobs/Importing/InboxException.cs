namespace Reconciler.Jobs.Importing;

/// <summary>The inbox cannot be read: missing, not a folder, or not readable.</summary>
public sealed class InboxException : Exception
{
    public InboxException()
    {
    }

    public InboxException(string message)
        : base(message)
    {
    }

    public InboxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
