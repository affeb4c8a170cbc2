using Npgsql;
using NpgsqlTypes;

namespace Reconciler.Storage.Importing;

/// <summary>Writes optional values into a binary COPY row: NULL when absent, instants always in UTC.</summary>
internal static class BinaryCopyExtensions
{
    public static void WriteOrNull(this NpgsqlBinaryImporter copy, string? value)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value, NpgsqlDbType.Text);
        }
    }

    public static void WriteOrNull(this NpgsqlBinaryImporter copy, decimal? value)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value.Value, NpgsqlDbType.Numeric);
        }
    }

    public static void WriteOrNull(this NpgsqlBinaryImporter copy, int? value)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value.Value, NpgsqlDbType.Integer);
        }
    }

    /// <summary>Npgsql writes timestamptz only from UTC values; any offset is converted first.</summary>
    public static void WriteOrNull(this NpgsqlBinaryImporter copy, DateTimeOffset? value)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value.Value.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        }
    }
}
