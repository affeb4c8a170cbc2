using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;
using Reconciler.Storage.Events;
using Reconciler.Storage.Reconciliation;

namespace Reconciler.Storage.Incidents;

/// <summary>A run's incidents being grouped: the date's attempts are staged; the findings are grouped on completion.</summary>
public sealed class IncidentGrouping : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly object _parameters;
    private readonly long _runId;
    private readonly DateOnly _date;
    private readonly string _groupedFrom;

    internal IncidentGrouping(
        NpgsqlDataSource dataSource, NpgsqlConnection connection, NpgsqlTransaction transaction, object parameters, long runId, DateOnly date,
        string groupedFrom)
    {
        _dataSource = dataSource;
        _connection = connection;
        _transaction = transaction;
        _parameters = parameters;
        _runId = runId;
        _date = date;
        _groupedFrom = groupedFrom;
    }

    /// <summary>The run whose incidents this run copied (grouped from the same findings, evidence and settings), if any.</summary>
    public long? CopiedFrom { get; private set; }

    public async Task<IReadOnlyList<Incident>> CompleteAsync(CancellationToken cancellationToken)
    {
        // The files imported now: the date's watch list stands for its orders only if it was made from them.
        var inputs = await _connection.ExecuteScalarAsync<string>(new CommandDefinition(
            EvidenceSql.InputsStamp, transaction: _transaction, cancellationToken: cancellationToken)) ?? string.Empty;
        var parameters = new DynamicParameters(_parameters);
        parameters.Add("inputs", inputs);
        // The same files, settings and statements as a completed run of the date, and the same findings (every column the
        // grouping reads): the same incidents, copied from it (a rerun with nothing new regrouped 100 k findings at 1 M).
        // The findings' digest is taken only then (0.1-0.4 s at 100 k findings that a first run does not spend).
        parameters.Add("groupingKey", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_groupedFrom + "\n" + inputs))));
        string? ownDigest = null;
        var candidates = (await _connection.QueryAsync<(long RunId, string? FindingsDigest)>(new CommandDefinition(
            IncidentSql.ReusableRun, parameters, _transaction, cancellationToken: cancellationToken))).ToList();
        if (candidates.Count > 0)
        {
            var earlier = candidates[0];
            // The earlier run's digest, when no run took it yet, on a connection of its own beside this run's: a completed
            // run's findings are committed and never change (a first rerun took the two one after the other, 0.4-0.5 s each
            // at 100 k findings, before its outputs could be written).
            var theirsTask = earlier.FindingsDigest is { } kept ? Task.FromResult(kept) : DigestApartAsync(earlier.RunId, cancellationToken);
            var ownTask = DigestAsync(_connection, _transaction, _runId, cancellationToken);
            await Task.WhenAll(theirsTask, ownTask);
            ownDigest = await ownTask;
            var theirs = await theirsTask;
            if (earlier.FindingsDigest is null)
            {
                await _connection.ExecuteAsync(new CommandDefinition(
                    IncidentSql.KeepDigest, new { digest = theirs, digestRun = earlier.RunId }, _transaction, cancellationToken: cancellationToken));
            }

            if (string.Equals(ownDigest, theirs, StringComparison.Ordinal))
            {
                CopiedFrom = earlier.RunId;
            }
        }

        parameters.Add("ownDigest", ownDigest);
        if (CopiedFrom is { } from)
        {
            parameters.Add("from", from);
            await _connection.ExecuteAsync(new CommandDefinition(
                IncidentSql.CopyIncidents, parameters, _transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        }
        else
        {
            foreach (var sql in new[] { IncidentSql.CurrentFindings, IncidentSql.VendorDownMembers, IncidentSql.OtherCauses, IncidentSql.Store })
            {
                await _connection.ExecuteAsync(new CommandDefinition(sql, parameters, _transaction, commandTimeout: 0, cancellationToken: cancellationToken));
            }
        }

        await _connection.ExecuteAsync(new CommandDefinition(IncidentSql.KeepKey, parameters, _transaction, cancellationToken: cancellationToken));

        var incidents = (await _connection.QueryAsync<IncidentStore.Row>(new CommandDefinition(
            $"SELECT {IncidentStore.Columns} FROM incident WHERE run_id = @runId ORDER BY incident_no", new { runId = _runId }, _transaction,
            cancellationToken: cancellationToken))).Select(r => r.ToIncident()).ToList();
        foreach (var group in incidents.GroupBy(i => (i.Kind, Subject: i.Vendor ?? i.Provider)))
        {
            var ordinal = 0;
            foreach (var incident in group)
            {
                var key = string.Create(CultureInfo.InvariantCulture,
                    $"{EventTypes.IncidentOpened}:{_date:yyyy-MM-dd}:{incident.Kind}:{group.Key.Subject}:{++ordinal}");
                await EventOutboxStore.AppendAsync(_connection, _transaction, EventTypes.IncidentOpened, IncidentStore.Payload(incident), key, cancellationToken);
            }
        }

        await _transaction.CommitAsync(cancellationToken);
        return incidents;
    }

    /// <summary>The findings digest of <paramref name="runId"/>'s current findings of the date, on the connection given.</summary>
    private async Task<string> DigestAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long runId, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            IncidentSql.FindingsDigest, new { date = _date, digestRun = runId }, transaction, commandTimeout: 0, cancellationToken: cancellationToken))
        ?? string.Empty;

    /// <summary><see cref="DigestAsync"/> on a connection of its own.</summary>
    private async Task<string> DigestApartAsync(long runId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await DigestAsync(connection, null, runId, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
