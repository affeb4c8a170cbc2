namespace Reconciler.Jobs.Running;

/// <summary>
/// Follows the progress reports of one run in this process and keeps each phase's figures and duration, for a display
/// of rows per second. Safe from several threads at once (files import side by side, each reporting from its own).
/// </summary>
public sealed class RunProgressTracker(TimeProvider time) : IProgress<RunProgressSnapshot>
{
    private readonly Lock _lock = new();
    private readonly List<PhaseState> _phases = [];
    private bool _finished;

    /// <summary>A report naming a new phase ends the one before; a report after <see cref="Finish"/> is ignored.</summary>
    public void Report(RunProgressSnapshot value)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (_finished)
            {
                return;
            }

            if (_phases.Count > 0 && string.Equals(_phases[^1].Name, value.Phase, StringComparison.Ordinal))
            {
                _phases[^1].Rows = value.Rows;
                return;
            }

            if (_phases.Count > 0)
            {
                _phases[^1].End = now;
            }

            _phases.Add(new PhaseState(value.Phase, value.Rows, now));
        }
    }

    /// <summary>Ends the phase the run was in (it completed or failed), so its figures stop moving.</summary>
    public void Finish()
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (!_finished && _phases.Count > 0)
            {
                _phases[^1].End = now;
            }

            _finished = true;
        }
    }

    /// <summary>The phases so far, in run order; the last one is still running unless the run has finished.</summary>
    public IReadOnlyList<PhaseProgress> Phases()
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            return _phases.Select(p => new PhaseProgress(
                p.Name, p.Rows, Math.Max(0, p.Rows - p.StartRows), time.GetElapsedTime(p.Start, p.End ?? now), p.End is not null)).ToList();
        }
    }

    private sealed class PhaseState(string name, long rows, long start)
    {
        public string Name { get; } = name;

        public long StartRows { get; } = rows;

        public long Start { get; } = start;

        public long Rows { get; set; } = rows;

        public long? End { get; set; }
    }
}
