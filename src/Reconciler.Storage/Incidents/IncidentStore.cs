using System.Data;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Npgsql;
using Reconciler.Core.Matching;
using Reconciler.Storage.Events;
using Reconciler.Storage.Reconciliation;

namespace Reconciler.Storage.Incidents;

/// <summary>
/// Groups a run's findings into incidents once they are written, stores them with an <c>incident.opened</c> event per
/// incident in the same transaction, and reads them back by run or by date.
/// </summary>
public sealed class IncidentStore(NpgsqlDataSource dataSource)
{
    internal const string Columns =
        """
        run_id AS RunId, incident_no AS IncidentNo, business_date::timestamp AS BusinessDate, kind AS Kind, vendor AS Vendor,
        provider AS Provider, from_at AS FromAt, to_at AS ToAt, findings AS Findings, amount AS Amount, currency AS Currency,
        amounts::text AS AmountsJson, detail AS Detail
        """;

    /// <summary>
    /// Replaces the run's incidents with those its findings show now. A rerun that sees the same incident again does
    /// not announce it twice: the event's dedupe key is the date, kind, vendor or provider, and its place among them.
    /// </summary>
    public async Task<IReadOnlyList<Incident>> ComputeAsync(
        long runId, ReconciliationWindow window, TimeSpan holdLimit, IReadOnlyList<MissingSettlement> missing, IncidentRule rule,
        CancellationToken cancellationToken)
    {
        await using var grouping = await PrepareAsync(runId, window, holdLimit, missing, rule, cancellationToken);
        return await grouping.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// Starts grouping the run's incidents: reads the date's delivery attempts (evidence only, seconds on a day of a
    /// million orders) so that it can run beside the finding merge. <see cref="IncidentGrouping.CompleteAsync"/>, called
    /// once the run's findings are committed, groups them (its statements see them: the transaction reads committed rows
    /// statement by statement).
    /// </summary>
    /// <param name="attempts">
    /// The date's delivery attempts as the run's evidence merge counted them (<see cref="EvidenceTally.Attempts"/>), when
    /// it made a full look: copied in and kept instead of read again. Without them (a look at the watch list, or none)
    /// they are read back from the kept ones, or from the evidence.
    /// </param>
    public async Task<IncidentGrouping> PrepareAsync(
        long runId, ReconciliationWindow window, TimeSpan holdLimit, IReadOnlyList<MissingSettlement> missing, IncidentRule rule,
        CancellationToken cancellationToken, DeliveryAttempts? attempts = null)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(missing);
        ArgumentNullException.ThrowIfNull(rule);
        var parameters = new
        {
            runId,
            date = window.Date,
            start = window.DayStart.ToUniversalTime(),
            end = window.DayEnd.ToUniversalTime(),
            asOf = window.AsOf.ToUniversalTime(),
            holdLimit,
            missingProviders = missing.Select(m => m.Provider).ToArray(),
            missingReasons = missing.Select(m => m.Reason).ToArray(),
            minFindings = rule.MinFindings,
            gapFactor = rule.GapFactor,
            minGapSeconds = rule.MinGap.TotalSeconds,
            minFailedShare = rule.MinFailedShare,
        };
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
            foreach (var sql in new[] { IncidentSql.Stage, IncidentSql.AttemptTables })
            {
                await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, commandTimeout: 0, cancellationToken: cancellationToken));
            }

            var attemptsStamp = await StageAttemptsAsync(connection, transaction, window, parameters, attempts, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                IncidentSql.VendorDownGroups, parameters, transaction, commandTimeout: 0, cancellationToken: cancellationToken));
            // Everything besides the findings and the orders that decides the incidents (IncidentGrouping.CompleteAsync).
            var groupedFrom = string.Join('\n',
                IncidentSql.Version, attemptsStamp, window.Bounds, window.AsOf.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
                holdLimit.Ticks.ToString(CultureInfo.InvariantCulture),
                string.Join('\t', missing.Select(m => m.Provider + "\u001f" + m.Reason)),
                rule.MinFindings.ToString(CultureInfo.InvariantCulture), rule.GapFactor.ToString("R", CultureInfo.InvariantCulture),
                rule.MinGap.TotalSeconds.ToString("R", CultureInfo.InvariantCulture), rule.MinFailedShare.ToString(CultureInfo.InvariantCulture));
            return new IncidentGrouping(dataSource, connection, transaction, parameters, runId, window.Date, groupedFrom);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The date's attempts into the transaction's tables: copied back from <c>incident_minute_cache</c> and
    /// <c>incident_failure_cache</c> when no file was imported since they were read with the same bounds, else read from
    /// the evidence and kept. The stamp is taken before the evidence is read, so a file imported meanwhile leaves a
    /// stamp older than what was read and the next run reads again; it never hides a file behind a newer stamp.
    /// </summary>
    /// <returns>The stamp of the imported files the attempts were read under.</returns>
    private static async Task<string> StageAttemptsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ReconciliationWindow window, object parameters,
        DeliveryAttempts? counted, CancellationToken cancellationToken)
    {
        if (counted is { Inputs: { } countedFrom })
        {
            // Counted by the merge from the snapshot this stamp was read in.
            await counted.CopyIntoAsync(connection, transaction, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                IncidentSql.KeepAttempts, new { date = window.Date, inputs = countedFrom, bounds = window.Bounds }, transaction,
                commandTimeout: 0, cancellationToken: cancellationToken));
            return countedFrom;
        }

        var inputs = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            EvidenceSql.InputsStamp, transaction: transaction, cancellationToken: cancellationToken)) ?? string.Empty;
        var stamp = new
        {
            date = window.Date,
            inputs,
            bounds = window.Bounds,
        };
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                IncidentSql.AttemptsCached, stamp, transaction, cancellationToken: cancellationToken)))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                IncidentSql.AttemptsFromCache, stamp, transaction, commandTimeout: 0, cancellationToken: cancellationToken));
            return inputs;
        }

        var (low, high) = await connection.QuerySingleAsync<(string? Low, string? High)>(new CommandDefinition(
            EvidenceSql.OrderBounds(watched: false), parameters, transaction, cancellationToken: cancellationToken));
        var bounded = new DynamicParameters(parameters);
        bounded.Add("low", low, DbType.String);
        bounded.Add("high", high, DbType.String);
        await connection.ExecuteAsync(new CommandDefinition(IncidentSql.Attempts, bounded, transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(IncidentSql.KeepAttempts, stamp, transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        return inputs;
    }

    public async Task<IReadOnlyList<Incident>> ListByRunAsync(long runId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM incident WHERE run_id = @runId ORDER BY incident_no", new { runId },
            cancellationToken: cancellationToken))).Select(r => r.ToIncident()).ToList();
    }

    /// <summary>The incidents of the newest completed run of the date (none when the date has no completed run).</summary>
    public async Task<IReadOnlyList<Incident>> ListByDateAsync(DateOnly date, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM incident
            WHERE run_id = (SELECT max(run_id) FROM run WHERE business_date = @date AND status = 'completed')
            ORDER BY incident_no
            """, new { date }, cancellationToken: cancellationToken))).Select(r => r.ToIncident()).ToList();
    }

    /// <summary>The findings of one incident as its run recorded them, by order number.</summary>
    public async Task<IReadOnlyList<IncidentFinding>> FindingsAsync(long runId, int incidentNo, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<IncidentFinding>(new CommandDefinition(
            """
            SELECT rf.finding_id AS FindingId, rf.order_no AS OrderNo, rf.kind AS Kind, rf.currency AS Currency,
                   coalesce(nullif(rf.compensation_amount, 0), nullif(rf.charged_amount, 0), rf.expected_amount) AS Amount
            FROM incident_finding i JOIN run_finding rf ON rf.run_id = i.run_id AND rf.finding_id = i.finding_id
            WHERE i.run_id = @runId AND i.incident_no = @incidentNo
            ORDER BY rf.order_no, rf.finding_id
            """, new { runId, incidentNo }, cancellationToken: cancellationToken))).ToList();
    }

    private static readonly JsonSerializerOptions AmountsOptions = new(JsonSerializerDefaults.Web);

    internal static string Payload(Incident incident) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["runId"] = incident.RunId,
        ["date"] = incident.BusinessDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["kind"] = incident.Kind,
        ["vendor"] = incident.Vendor,
        ["provider"] = incident.Provider,
        ["from"] = incident.From,
        ["to"] = incident.To,
        ["findings"] = incident.Findings,
        ["amount"] = incident.Amount,
        ["currency"] = incident.Currency,
        ["amounts"] = incident.Amounts,
        ["detail"] = incident.Detail,
    });

    internal sealed record Row(
        long RunId, int IncidentNo, DateTime BusinessDate, string Kind, string? Vendor, string? Provider, DateTime FromAt, DateTime ToAt,
        int Findings, decimal Amount, string? Currency, string AmountsJson, string Detail)
    {
        public Incident ToIncident() => new(
            RunId, IncidentNo, DateOnly.FromDateTime(BusinessDate), Kind, Vendor, Provider, DbTime.Utc(FromAt), DbTime.Utc(ToAt),
            Findings, Amount, Currency, JsonSerializer.Deserialize<List<IncidentAmount>>(AmountsJson, AmountsOptions) ?? [], Detail);
    }
}
