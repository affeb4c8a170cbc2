namespace Reconciler.Storage;

/// <summary>Npgsql reads timestamptz as a UTC DateTime, which Dapper will not bind to a DateTimeOffset: the conversion, once.</summary>
internal static class DbTime
{
    public static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
