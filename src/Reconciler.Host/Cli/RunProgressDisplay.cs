using System.Globalization;
using Reconciler.Jobs.Running;
using Spectre.Console;

namespace Reconciler.Host.Cli;

/// <summary>
/// The live progress of <c>reconciler run</c> on a terminal: one line per phase with its rows, rows per second and
/// time. A finished phase's line is written once and stays; only the phase in progress is redrawn.
/// </summary>
internal sealed class RunProgressDisplay
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(250);

    private readonly IAnsiConsole _console;
    private readonly LiveStderr? _stderr;

    private RunProgressDisplay(IAnsiConsole console, LiveStderr? stderr)
    {
        _console = console;
        _stderr = stderr;
    }

    /// <summary>
    /// The display when stdout is an interactive terminal that takes ANSI codes, else null: never when stdout is
    /// redirected (cron, CI, a pipe), where the output stays the summary alone, nor with --verbose, whose many log lines
    /// share the terminal. Call it before any logger is made: when stderr is the same terminal it takes stderr's place.
    /// </summary>
    public static RunProgressDisplay? Create(IAnsiConsole console, bool verbose)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (verbose || Console.IsOutputRedirected || console.Profile.Capabilities is not { Ansi: true, Interactive: true })
        {
            return null;
        }

        return new RunProgressDisplay(console, Console.IsErrorRedirected ? null : LiveStderr.Install());
    }

    /// <summary>Runs <paramref name="run"/> with an observer and shows what it hears until the run ends, completed or not.</summary>
    public async Task<RunResult> RunAsync(Func<IProgress<RunProgressSnapshot>, Task<RunResult>> run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var tracker = new RunProgressTracker(TimeProvider.System);
        var written = 0;
        _stderr?.Begin(_console);
        try
        {
            return await _console.Live(Starting()).StartAsync(async context =>
            {
                context.Refresh();
                var running = run(tracker);
                while (true)
                {
                    // Once cancelled, the run stops at its next check; the display stops now.
                    var ended = await Task.WhenAny(running, Task.Delay(RefreshInterval, cancellationToken)) == running ||
                                cancellationToken.IsCancellationRequested;
                    if (ended)
                    {
                        tracker.Finish();
                    }

                    var phases = tracker.Phases();
                    // The last phase stays the live line even when it has ended: the display leaves it in place.
                    // UpdateTarget draws it.
                    context.UpdateTarget(phases.Count == 0 ? Starting() : new Markup(Line(phases[^1]) + "\n"));
                    for (; written < phases.Count - 1; written++)
                    {
                        // Drawn above the live line, which is drawn again below it.
                        _console.Write(new Markup(Line(phases[written]) + "\n"));
                    }

                    if (ended)
                    {
                        return await running;
                    }
                }
            });
        }
        finally
        {
            _stderr?.End();
        }
    }

    // Every target ends in a line break: Spectre 0.49's live display moves the cursor up "0 lines" to redraw a target of
    // one line, which most terminals take as one line, drawing each refresh over the line above (spectre.console#2076).
    private static Markup Starting() => new("[grey]starting[/]\n");

    private static string Line(PhaseProgress phase)
    {
        var name = Markup.Escape(phase.Phase.PadRight(18));
        var rate = phase.RowsPerSecond is { } perSecond ? perSecond.ToString("N0", CultureInfo.InvariantCulture) : "-";
        var elapsed = phase.Elapsed < TimeSpan.FromMinutes(1)
            ? phase.Elapsed.TotalSeconds.ToString("0.0 s", CultureInfo.InvariantCulture)
            : phase.Elapsed.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture,
            $"[{(phase.Finished ? "green" : "yellow")}]{name}[/] {phase.Rows,13:N0} rows {rate,11} rows/s {elapsed,9}");
    }
}
