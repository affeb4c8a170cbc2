namespace Reconciler.Storage;

/// <summary>Where the reconciler's database is (section <c>Reconciler:Storage</c>; <c>RECONCILER_DB</c> overrides the connection).</summary>
public sealed class StorageOptions
{
    /// <summary>The project's local cluster as <c>scripts/db.sh</c> starts it.</summary>
    public const string LocalConnectionString = "Host=127.0.0.1;Port=55432;Username=postgres;Database=reconciler";

    public string ConnectionString { get; set; } = LocalConnectionString;

    /// <summary>The schema every table lives in; created by the migrations when missing.</summary>
    public string Schema { get; set; } = "reconciler";
}
