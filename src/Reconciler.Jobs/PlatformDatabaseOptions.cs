namespace Reconciler.Jobs;

/// <summary>
/// Section <c>Reconciler:PlatformDatabase</c>: read the platform's orders straight from its PostgreSQL database
/// instead of (or besides) the export file. Off while <see cref="ConnectionString"/> is empty.
/// </summary>
public sealed class PlatformDatabaseOptions
{
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Returns the export's columns (<c>order_no, created_at, paid_at, ..., status</c>) for the orders created in
    /// <c>[@start, @end)</c> (timestamptz, the business date's bounds); <c>@date</c> (date) is also passed.
    /// </summary>
    public string Query { get; set; } = string.Empty;

    /// <summary>The zone of <c>timestamp without time zone</c> columns (default: the business time zone).</summary>
    public string? TimestampZone { get; set; }

    /// <summary>Seconds the query may run.</summary>
    public int CommandTimeoutSeconds { get; set; } = 600;

    public bool Enabled => !string.IsNullOrWhiteSpace(ConnectionString) && !string.IsNullOrWhiteSpace(Query);
}
