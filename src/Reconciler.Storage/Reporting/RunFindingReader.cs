using Dapper;
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
    public IEnumerable<RunFindingRow> Rows() => _reader.Parse<RunFindingRow>();

    public void Dispose()
    {
        _reader.Dispose();
        _command.Dispose();
        _connection.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync();
        await _command.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
