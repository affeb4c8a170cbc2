namespace Reconciler.Storage;

/// <summary>Where the reconciler's database is (section <c>Reconciler:Storage</c>; <c>RECONCILER_DB</c> overrides the connection).</summary>
public sealed class StorageOptions
{
    /// <summary>The project's local cluster as <c>scripts/db.sh</c> starts it.</summary>
    public const string LocalConnectionString = "Host=127.0.0.1;Port=55432;Username=postgres;Database=reconciler";

    public string ConnectionString { get; set; } = LocalConnectionString;

    /// <summary>The schema every table lives in; created by the migrations when missing.</summary>
    public string Schema { get; set; } = "reconciler";

    /// <summary>
    /// Refuses a schema name that is not a plain lower-case identifier: the name is spliced into SQL (quoted) and into
    /// the connection's search_path, where a comma or a quote would change what the statements mean.
    /// </summary>
    public static void ValidateSchema(string schema, string setting = "Reconciler:Storage:Schema")
    {
        if (schema is not { Length: > 0 and <= 63 } || !(schema[0] is >= 'a' and <= 'z' or '_')
            || !schema.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_'))
        {
            throw new InvalidOperationException(
                $"{setting} '{schema}' is not a plain identifier: use 1 to 63 of a-z, 0-9 and _, starting with a letter or _.");
        }
    }
}
