namespace Reconciler.Formats.Detection;

/// <summary>No reader recognised a file (or a forced format does not exist).</summary>
public sealed class UnrecognisedFormatException : Exception
{
    public UnrecognisedFormatException()
    {
    }

    public UnrecognisedFormatException(string message)
        : base(message)
    {
    }

    public UnrecognisedFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
