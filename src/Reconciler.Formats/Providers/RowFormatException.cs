namespace Reconciler.Formats.Providers;

/// <summary>A cell of a row that cannot be read; the reader turns it into a quarantined row naming the field.</summary>
internal sealed class RowFormatException : Exception
{
    public RowFormatException(string field, string problem)
        : base(problem)
    {
        Field = field;
    }

    public RowFormatException()
    {
        Field = string.Empty;
    }

    public RowFormatException(string message)
        : base(message)
    {
        Field = string.Empty;
    }

    public RowFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = string.Empty;
    }

    public string Field { get; }

    /// <summary>The quarantine reason: <c>file line N, field F: problem</c>.</summary>
    public string Reason(string sourceName, long line) =>
        Field.Length == 0 ? $"{sourceName} line {line}: {Message}" : $"{sourceName} line {line}, field {Field}: {Message}";
}
