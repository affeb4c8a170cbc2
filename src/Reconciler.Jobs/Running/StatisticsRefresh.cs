using Reconciler.Core.Evidence;
using Reconciler.Storage.Runs;

namespace Reconciler.Jobs.Running;

/// <summary>
/// A run's refresh of the evidence tables' statistics after its import (<see cref="RunStore.RefreshStatisticsAsync(CancellationToken)"/>):
/// each table whose files are all imported as soon as an import lane has no file left to take (a core would otherwise
/// wait for the last files), the others once the import is done. All three after the import, the settlement lines'
/// summary and ANALYZE kept one core for 0.8-0.9 s of a 1 M-order run at 10 % breaks while the other had nothing to do;
/// started as soon as the orders' one file was imported, the orders' ANALYZE slowed the bills still importing on both
/// cores more than it saved (import 10.7-12.8 s against 10.1-10.7 s, three runs each, 2026-12-06).
/// <para>
/// Each table a file feeds is held from the start (<see cref="StatisticsHold"/>): autovacuum cannot start on it while the
/// run imports, so the run's refresh never waits for one to be cancelled.
/// </para>
/// </summary>
internal sealed class StatisticsRefresh : IAsyncDisposable
{
    private readonly RunStore _runs;
    private readonly CancellationToken _cancellationToken;
    private readonly Lock _gate = new();
    private readonly Dictionary<EvidenceKind, int> _filesLeft = [];
    private readonly Dictionary<EvidenceKind, long> _rows = [];
    private readonly Dictionary<EvidenceKind, Task> _started = [];
    private readonly Dictionary<EvidenceKind, Task<StatisticsHold>> _holds = [];
    private readonly int _parallelism;
    private int _lanesLeft;

    /// <param name="files">The kind of each file the run is about to import.</param>
    /// <param name="lanes">The import lanes the files are split into.</param>
    /// <param name="parallelism">How many lanes import side by side.</param>
    public StatisticsRefresh(RunStore runs, IEnumerable<EvidenceKind> files, int lanes, int parallelism, CancellationToken cancellationToken)
    {
        _runs = runs;
        _cancellationToken = cancellationToken;
        _parallelism = parallelism;
        _lanesLeft = lanes;
        foreach (var kind in files)
        {
            _filesLeft[kind] = _filesLeft.GetValueOrDefault(kind) + 1;
        }

        foreach (var kind in _filesLeft.Keys)
        {
            _holds[kind] = runs.HoldStatisticsAsync(kind, cancellationToken);
        }
    }

    /// <summary>The tables (by the kind of file feeding them) whose refresh has started.</summary>
    internal IReadOnlyList<EvidenceKind> Started
    {
        get
        {
            lock (_gate)
            {
                return [.. _started.Keys.Order()];
            }
        }
    }

    /// <summary>Rows of <paramref name="kind"/> imported apart from the files (the orders read from the platform's database).</summary>
    public void Added(EvidenceKind kind, long rows)
    {
        lock (_gate)
        {
            _rows[kind] = _rows.GetValueOrDefault(kind) + rows;
        }
    }

    /// <summary>One of the files is imported (or found a duplicate, or rejected).</summary>
    public void FileDone(EvidenceKind kind, long rows)
    {
        lock (_gate)
        {
            _rows[kind] = _rows.GetValueOrDefault(kind) + rows;
            _filesLeft[kind]--;
            StartReady();
        }
    }

    /// <summary>An import lane has imported all its files.</summary>
    public void LaneDone()
    {
        lock (_gate)
        {
            _lanesLeft--;
            StartReady();
        }
    }

    // Under the gate: once a core is free (fewer lanes left than import side by side, so a core has no file to take),
    // each table whose files are all in (and added rows) is refreshed.
    private void StartReady()
    {
        if (_lanesLeft >= _parallelism)
        {
            return;
        }

        foreach (var (kind, left) in _filesLeft)
        {
            if (left == 0 && _rows.GetValueOrDefault(kind) > 0 && !_started.ContainsKey(kind))
            {
                _started[kind] = Refresh(kind);
            }
        }
    }

    // Under the gate: the table's held refresh if the run holds it, else a refresh of its own.
    private Task Refresh(EvidenceKind kind) =>
        _holds.Remove(kind, out var hold) ? RefreshHeldAsync(hold) : _runs.RefreshStatisticsAsync(kind, _cancellationToken);

    private async Task RefreshHeldAsync(Task<StatisticsHold> pending)
    {
        await using var hold = await pending;
        await hold.RefreshAsync(_cancellationToken);
    }

    /// <summary>Refreshes the tables not refreshed yet and waits for all three.</summary>
    public Task CompleteAsync()
    {
        lock (_gate)
        {
            foreach (var kind in Enum.GetValues<EvidenceKind>())
            {
                if (!_started.ContainsKey(kind))
                {
                    _started[kind] = Refresh(kind);
                }
            }

            return Task.WhenAll(_started.Values);
        }
    }

    /// <summary>Waits for the refreshes already started, ignoring how they end (the import failed; its error is the one to report).</summary>
    public async Task AbandonAsync()
    {
        Task[] started;
        lock (_gate)
        {
            started = [.. _started.Values];
        }

        try
        {
            await Task.WhenAll(started);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The run fails with the import's error.
        }
    }

    /// <summary>Lets go of the holds no refresh took (a run that imported nothing new, or failed): their locks are released unused.</summary>
    public async ValueTask DisposeAsync()
    {
        Task<StatisticsHold>[] left;
        lock (_gate)
        {
            left = [.. _holds.Values];
            _holds.Clear();
        }

        foreach (var pending in left)
        {
            try
            {
                await (await pending).DisposeAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The hold never began (the run's error, or its cancellation, is the one to report).
            }
        }
    }
}
