using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Reconciler.Jobs.Running;

/// <summary>Wall time and rows of each phase of one run, logged at its end so a benchmark reads them from the run itself.</summary>
public sealed class RunPhaseTimings
{
    /// <summary>The phases in run order; parse and copy (and evidence and rules) interleave, so each is the sum of its slices.</summary>
    public static readonly IReadOnlyList<string> Phases = ["plan", "parse", "copy", "merge", "analyze", "evidence", "rules", "findings", "report"];

    private readonly Dictionary<string, (long Ticks, long Rows)> _phases = new(StringComparer.Ordinal);

    /// <summary>Adds <paramref name="ticks"/> (<see cref="Stopwatch"/> ticks) and <paramref name="rows"/> to a phase.</summary>
    /// <remarks>Thread-safe: files import side by side, so parse and copy are sums over files and may exceed the wall time.</remarks>
    public void Add(string phase, long ticks, long rows = 0)
    {
        lock (_phases)
        {
            _phases.TryGetValue(phase, out var sum);
            _phases[phase] = (sum.Ticks + ticks, sum.Rows + rows);
        }
    }

    /// <summary>Adds the time since <paramref name="startTimestamp"/> to a phase and returns the current timestamp.</summary>
    public long AddSince(string phase, long startTimestamp, long rows = 0)
    {
        var now = Stopwatch.GetTimestamp();
        Add(phase, now - startTimestamp, rows);
        return now;
    }

    public TimeSpan Elapsed(string phase)
    {
        lock (_phases)
        {
            return _phases.TryGetValue(phase, out var sum) ? Stopwatch.GetElapsedTime(0, sum.Ticks) : TimeSpan.Zero;
        }
    }

    public long Rows(string phase)
    {
        lock (_phases)
        {
            return _phases.TryGetValue(phase, out var sum) ? sum.Rows : 0;
        }
    }

    /// <summary>One line per phase, <c>phase NAME SECONDS s ROWS rows</c> (invariant culture: a script parses it).</summary>
    public void Log(ILogger logger, long runId)
    {
        foreach (var phase in Phases)
        {
            logger.LogInformation("Run {RunId} {Timing}", runId, string.Create(CultureInfo.InvariantCulture,
                $"phase {phase} {Elapsed(phase).TotalSeconds:0.000} s {Rows(phase)} rows"));
        }
    }
}
