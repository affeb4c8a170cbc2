namespace Reconciler.Formats;

/// <summary>Thrown by a reader when a whole file must be refused; nothing of it may be imported.</summary>
public sealed class FileRejectedException : Exception
{
    public FileRejectedException(RejectionKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    public FileRejectedException()
        : this(RejectionKind.Unreadable, "file rejected")
    {
    }

    public FileRejectedException(string message)
        : this(RejectionKind.Unreadable, message)
    {
    }

    public FileRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = RejectionKind.Unreadable;
    }

    public RejectionKind Kind { get; }
}
