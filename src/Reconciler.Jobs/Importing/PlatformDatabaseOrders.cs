using System.Data;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;
using Reconciler.Core.Evidence;
using Reconciler.Core.Matching;
using Reconciler.Core.Time;
using Reconciler.Formats;
using Reconciler.Formats.Platform;
using Reconciler.Storage.Importing;

namespace Reconciler.Jobs.Importing;

/// <summary>
/// Reads a business date's orders from the platform's own database through the configured query and imports them
/// like an export file: the same validation, bad rows quarantined with their row number, identical content skipped.
/// </summary>
public sealed class PlatformDatabaseOrders(NpgsqlDataSource dataSource, ReconcilerOptions options, ILogger<PlatformDatabaseOrders> logger)
{
    public const string Format = "orders-db";

    public bool Enabled => options.PlatformDatabase.Enabled;

    public async Task<ImportedEntry> ImportAsync(ReconciliationWindow window, long runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        var settings = options.PlatformDatabase;
        var sourceName = string.Create(CultureInfo.InvariantCulture, $"platform database, orders created {window.Date:yyyy-MM-dd}");
        // The content's hash is known only once the rows are read; until then the file carries a placeholder identity.
        var identity = new FileIdentity("reading:" + Guid.NewGuid().ToString("N"), string.Empty, sourceName, Format, EvidenceKind.Orders);
        var (begun, _) = await EvidenceImport.BeginAsync(dataSource, identity, runId, cancellationToken);
        // A placeholder identity is unique, so the import always begins.
        var import = begun ?? throw new InvalidOperationException($"{sourceName}: the import could not begin.");
        await using (import)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(Encoding.UTF8.GetBytes(Format + "\n"));
            var zone = BusinessCalendar.FindZone(settings.TimestampZone ?? options.TimeZone);
            await foreach (var (row, fields) in ReadAsync(settings, window, zone, cancellationToken))
            {
                hash.AppendData(Encoding.UTF8.GetBytes(string.Join('\u001f', fields) + "\n"));
                try
                {
                    var values = PlatformOrderFields.Columns.Zip(fields).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
                    import.AddOrder(row, PlatformOrderFields.ToOrder(name => values[name], options.Formats));
                }
                catch (FormatException e)
                {
                    import.Quarantine(row, string.Join(",", fields), $"{sourceName} row {row}, {e.Message}");
                }
            }

            var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            var outcome = await import.CommitAsync(new FileFacts(null, null, window.Date, window.Date), cancellationToken, sha);
            logger.LogInformation("{Source}: {Status}, {Rows} orders, {Quarantined} quarantined", sourceName, outcome.Status, outcome.RowsImported, outcome.RowsQuarantined);
            return new ImportedEntry(sourceName, sha, outcome);
        }
    }

    private static async IAsyncEnumerable<(long Row, string[] Fields)> ReadAsync(
        PlatformDatabaseOptions settings, ReconciliationWindow window, TimeZoneInfo zone, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(settings.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(settings.Query, connection) { CommandTimeout = settings.CommandTimeoutSeconds };
        command.Parameters.AddWithValue("start", window.DayStart.ToUniversalTime());
        command.Parameters.AddWithValue("end", window.DayEnd.ToUniversalTime());
        command.Parameters.AddWithValue("date", window.Date);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        var ordinals = PlatformOrderFields.Columns.Select(name => Ordinal(reader, name)).ToArray();
        long row = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            row++;
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            yield return (row, ordinals.Select(i => Text(values[i], zone)).ToArray());
        }
    }

    private static int Ordinal(NpgsqlDataReader reader, string name)
    {
        for (var i = 0; i < reader.FieldCount; i++)
        {
            if (string.Equals(reader.GetName(i), name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new InvalidOperationException(
            $"the platform database query returns no column '{name}'; it must return {string.Join(", ", PlatformOrderFields.Columns)} (Reconciler:PlatformDatabase:Query)");
    }

    /// <summary>A database value as the export file would write it (invariant, times ISO 8601 with offset).</summary>
    private static string Text(object value, TimeZoneInfo zone) => value switch
    {
        DBNull => string.Empty,
        DateTime { Kind: DateTimeKind.Utc } utc => new DateTimeOffset(utc).ToString("O", CultureInfo.InvariantCulture),
        DateTime wallClock => BusinessCalendar.ToInstant(wallClock, zone).ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset instant => instant.ToString("O", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
