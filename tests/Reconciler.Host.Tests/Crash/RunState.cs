using Reconciler.Testing;

namespace Reconciler.Host.Tests.Crash;

/// <summary>What a run of a date leaves that must not depend on crashes: findings, compensation requests, files and their rows, mismatches.csv.</summary>
public sealed record RunState(
    IReadOnlyList<string> Findings,
    IReadOnlyList<string> Requests,
    IReadOnlyList<string> Files,
    IReadOnlyList<string> Mismatches)
{
    public static async Task<RunState> ReadAsync(TestDatabase database, string outDir)
    {
        ArgumentNullException.ThrowIfNull(database);
        var findings = await database.QueryAsync<string>(
            """
            SELECT concat_ws('|', finding_id, kind, business_date, order_no, provider, provider_txn_id, vendor, expected_amount,
                   charged_amount, delivered_quantity, ordered_quantity, currency, compensation_action, compensation_amount, detail, status)
            FROM finding ORDER BY finding_id
            """);
        var requests = await database.QueryAsync<string>(
            "SELECT concat_ws('|', request_id, order_no, kind, action, amount, currency, state, attempts) FROM compensation_request ORDER BY request_id");
        // Every file whole or not at all: its status, the counts it recorded, and the rows that are really there.
        var files = await database.QueryAsync<string>(
            """
            SELECT concat_ws('|', f.source_name, f.status, f.rows_imported, f.rows_quarantined,
                   (SELECT count(*) FROM settlement_line s WHERE s.file_id = f.file_id),
                   (SELECT count(*) FROM delivery_event d WHERE d.file_id = f.file_id),
                   (SELECT count(*) FROM quarantine q WHERE q.file_id = f.file_id))
            FROM imported_file f ORDER BY f.source_name
            """);
        var orders = await database.ScalarAsync<long>("SELECT count(*) FROM platform_order");
        // The status column says new or open, which depends on whether the killed run got as far as its findings.
        var csv = Rfc4180.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "mismatches.csv")));
        var status = Array.IndexOf(csv[0], "status");
        var mismatches = csv.Select(row => string.Join('|', row.Where((_, i) => i != status))).ToList();
        return new RunState(findings, requests, [.. files, $"platform_order rows: {orders}"], mismatches);
    }
}
