using Npgsql;
using Reconciler.Storage.Importing;

namespace Reconciler.Storage.Incidents;

/// <summary>
/// The date's delivery attempts as the incidents read them (<see cref="IncidentSql.Attempts"/>), counted by the evidence
/// merge while it folds the date's orders: each vendor's finished attempts per minute, its failed attempts one by one,
/// and the vendor orders still in flight. A full look already reads every delivery row of the date's orders, sorted;
/// counted there, the incidents need no second pass joining the day's orders with their delivery rows (2.1 s alone at a
/// million orders, 5–6 s beside the finding merge). Like the SQL it stands for, it counts rows, not events: a row listed
/// in two files is two attempts.
/// <para>
/// The failed attempts and the vendor orders in flight are kept as the COPY into the grouping's tables takes them, in
/// scratch files (<see cref="KeptRows"/>): held as a list, a tenth of a 10 M-order day's rows (1.05 M failed attempts,
/// each with its order number) grew the run's peak RSS with the day.
/// </para>
/// </summary>
public sealed class DeliveryAttempts : IDisposable
{
    private const long TicksPerMinute = TimeSpan.TicksPerMinute;
    private const string FailureColumns = "vendor, at, order_no";
    private const string InFlightColumns = "order_no, vendor";

    // Vendor names come as a new string per row: one instance each is kept.
    private readonly Dictionary<string, string> _vendors = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Vendor, long Minute), long> _minutes = [];
    private readonly KeptRows _failures = new(FailureColumns);
    private readonly KeptRows _inFlight = new(InFlightColumns);

    /// <summary>The imported files' stamp (<c>EvidenceSql.InputsStamp</c>) of the snapshot the rows were read in; null until the merge completes.</summary>
    public string? Inputs { get; private set; }

    internal void Complete(string inputs) => Inputs = inputs;

    /// <summary>
    /// <paramref name="rows"/> delivery rows of <paramref name="orderNo"/> alike in every field (one vendor file's copies).
    /// Only finished successes and failures are attempts.
    /// </summary>
    internal void AddRows(string orderNo, string vendor, string status, DateTimeOffset? finishedAt, int rows)
    {
        if (finishedAt is not { } at || (status != "success" && status != "failed"))
        {
            return;
        }

        vendor = Intern(vendor);
        var utc = at.UtcTicks;
        var key = (vendor, utc - utc % TicksPerMinute);
        _minutes[key] = _minutes.GetValueOrDefault(key) + rows;
        if (status == "failed")
        {
            for (var i = 0; i < rows; i++)
            {
                var row = _failures.StartRow();
                row.Write(vendor);
                row.Write(at);
                row.Write(orderNo);
            }
        }
    }

    /// <summary>A vendor order of <paramref name="orderNo"/> that has shown nothing but "processing".</summary>
    internal void AddInFlight(string orderNo, string vendor)
    {
        var row = _inFlight.StartRow();
        row.Write(orderNo);
        row.Write(Intern(vendor));
    }

    private string Intern(string vendor)
    {
        if (_vendors.TryGetValue(vendor, out var kept))
        {
            return kept;
        }

        _vendors[vendor] = vendor;
        return vendor;
    }

    /// <summary>
    /// Fills the grouping's <c>incident_minute</c>, <c>incident_failure</c> and <c>incident_in_flight</c> (the least vendor
    /// per order, compared by the database as <see cref="IncidentSql.Attempts"/> does) by binary COPY.
    /// </summary>
    internal async Task CopyIntoAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using (var copy = BinaryCopyWriter.Begin(connection, "incident_minute", "vendor, minute, attempts"))
        {
            foreach (var ((vendor, minute), attempts) in _minutes)
            {
                copy.StartRow();
                copy.Write(vendor);
                copy.Write(new DateTimeOffset(minute, TimeSpan.Zero));
                copy.Write(attempts);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await using (var copy = BinaryCopyWriter.Begin(connection, "incident_failure", FailureColumns))
        {
            _failures.CopyInto(copy);
            await copy.CompleteAsync(cancellationToken);
        }

        if (_inFlight.Count == 0)
        {
            return;
        }

        await using (var create = new NpgsqlCommand(
            "CREATE TEMP TABLE incident_in_flight_vendor (order_no text NOT NULL, vendor text NOT NULL) ON COMMIT DROP", connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var copy = BinaryCopyWriter.Begin(connection, "incident_in_flight_vendor", InFlightColumns))
        {
            _inFlight.CopyInto(copy);
            await copy.CompleteAsync(cancellationToken);
        }

        await using var insert = new NpgsqlCommand(
            "INSERT INTO incident_in_flight (order_no, vendor) SELECT order_no, min(vendor) FROM incident_in_flight_vendor GROUP BY order_no",
            connection, transaction);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Closes the scratch files of the kept rows.</summary>
    public void Dispose()
    {
        _failures.Dispose();
        _inFlight.Dispose();
    }
}
