using Npgsql;

namespace Reconciler.Storage.Reporting;

/// <summary>A query of a run's findings under way on its own connection (<see cref="ReportStore.OpenRunFindingsAsync"/>).</summary>
public sealed class RunFindingReader : IAsyncDisposable, IDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlCommand _command;
    private readonly NpgsqlDataReader _reader;

    internal RunFindingReader(NpgsqlConnection connection, NpgsqlCommand command, NpgsqlDataReader reader)
    {
        _connection = connection;
        _command = command;
        _reader = reader;
    }

    /// <summary>The rows, once; the caller disposes the reader after them.</summary>
    /// <remarks>
    /// Read by column name, so that the query may lead with the columns it sorts by (<see cref="ReportStore"/>) and the
    /// reader skips them.
    /// </remarks>
    public IEnumerable<RunFindingRow> Rows()
    {
        var r = _reader;
        var findingId = r.GetOrdinal(nameof(RunFindingRow.FindingId));
        var kind = r.GetOrdinal(nameof(RunFindingRow.Kind));
        var businessDate = r.GetOrdinal(nameof(RunFindingRow.BusinessDate));
        var orderNo = r.GetOrdinal(nameof(RunFindingRow.OrderNo));
        var provider = r.GetOrdinal(nameof(RunFindingRow.Provider));
        var providerTxnId = r.GetOrdinal(nameof(RunFindingRow.ProviderTxnId));
        var vendor = r.GetOrdinal(nameof(RunFindingRow.Vendor));
        var expectedAmount = r.GetOrdinal(nameof(RunFindingRow.ExpectedAmount));
        var chargedAmount = r.GetOrdinal(nameof(RunFindingRow.ChargedAmount));
        var deliveredQuantity = r.GetOrdinal(nameof(RunFindingRow.DeliveredQuantity));
        var orderedQuantity = r.GetOrdinal(nameof(RunFindingRow.OrderedQuantity));
        var currency = r.GetOrdinal(nameof(RunFindingRow.Currency));
        var compensationAction = r.GetOrdinal(nameof(RunFindingRow.CompensationAction));
        var compensationAmount = r.GetOrdinal(nameof(RunFindingRow.CompensationAmount));
        var detail = r.GetOrdinal(nameof(RunFindingRow.Detail));
        var change = r.GetOrdinal(nameof(RunFindingRow.Change));
        while (r.Read())
        {
            yield return new RunFindingRow(
                r.GetString(findingId), r.GetString(kind), r.GetDateTime(businessDate), Text(r, orderNo), Text(r, provider),
                Text(r, providerTxnId), Text(r, vendor), Amount(r, expectedAmount), Amount(r, chargedAmount),
                Quantity(r, deliveredQuantity), Quantity(r, orderedQuantity), Text(r, currency), r.GetString(compensationAction),
                Amount(r, compensationAmount), r.GetString(detail), r.GetString(change));
        }
    }

    private static string? Text(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);

    private static decimal? Amount(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetDecimal(ordinal);

    private static int? Quantity(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetInt32(ordinal);

    /// <summary>A setting as the query sees it, asked in its transaction once its rows are read (the tests).</summary>
    internal string? Setting(string name)
    {
        _reader.Close();
        using var show = new NpgsqlCommand("SELECT current_setting($1)", _connection, _command.Transaction);
        show.Parameters.AddWithValue(name);
        return (string?)show.ExecuteScalar();
    }

    public void Dispose()
    {
        _reader.Dispose();
        _command.Transaction?.Dispose();
        _command.Dispose();
        _connection.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync();
        if (_command.Transaction is { } transaction)
        {
            await transaction.DisposeAsync();
        }

        await _command.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
