namespace Reconciler.Storage.Importing;

/// <summary>A file has so many unreadable lines that it is almost certainly not the format it was read as.</summary>
public sealed class QuarantineOverflowException : Exception
{
    public QuarantineOverflowException()
    {
    }

    public QuarantineOverflowException(string message)
        : base(message)
    {
    }

    public QuarantineOverflowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
