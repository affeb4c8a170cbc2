using Reconciler.Storage.Runs;

namespace Reconciler.Jobs.Running;

/// <summary>
/// Writes a run's phase and rows done to its run row: every phase change, and rows at most once per
/// <see cref="Interval"/>, so a million-row phase costs a handful of updates.
/// </summary>
public sealed class RunProgressReporter(RunStore runs, long runId, TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private string _phase = "starting";
    private long _lastWrite;

    public string Phase => _phase;

    public async Task PhaseAsync(string phase, long rows, CancellationToken cancellationToken)
    {
        _phase = phase;
        await WriteAsync(rows, cancellationToken);
    }

    public async Task RowsAsync(long rows, CancellationToken cancellationToken)
    {
        if (time.GetElapsedTime(_lastWrite) >= Interval)
        {
            await WriteAsync(rows, cancellationToken);
        }
    }

    private async Task WriteAsync(long rows, CancellationToken cancellationToken)
    {
        _lastWrite = time.GetTimestamp();
        await runs.ReportProgressAsync(runId, _phase, rows, cancellationToken);
    }
}
