using Reconciler.Storage.Runs;

namespace Reconciler.Jobs.Running;

/// <summary>
/// Writes a run's phase and rows done to its run row: every phase change, and rows at most once per
/// <see cref="Interval"/>, so a million-row phase costs a handful of updates. An in-process observer (the CLI's live
/// display) hears every phase change and every rows update, unthrottled.
/// </summary>
public sealed class RunProgressReporter(RunStore runs, long runId, TimeProvider time, IProgress<RunProgressSnapshot>? observer = null)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private string _phase = "starting";
    private long _lastWrite;

    public string Phase => _phase;

    public async Task PhaseAsync(string phase, long rows, CancellationToken cancellationToken)
    {
        _phase = phase;
        Observe(rows);
        await WriteAsync(rows, cancellationToken);
    }

    public async Task RowsAsync(long rows, CancellationToken cancellationToken)
    {
        Observe(rows);
        if (time.GetElapsedTime(_lastWrite) >= Interval)
        {
            await WriteAsync(rows, cancellationToken);
        }
    }

    /// <summary>
    /// Tells only the observer (the run row hears of it with the next <see cref="RowsAsync"/> or phase): for counts taken
    /// where no database write belongs, such as inside a file being read. Safe from several threads at once.
    /// </summary>
    public void Observe(long rows) => observer?.Report(new RunProgressSnapshot(runId, _phase, rows));

    private async Task WriteAsync(long rows, CancellationToken cancellationToken)
    {
        _lastWrite = time.GetTimestamp();
        await runs.ReportProgressAsync(runId, _phase, rows, cancellationToken);
    }
}
