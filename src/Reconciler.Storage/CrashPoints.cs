using System.Diagnostics;
using System.Globalization;

namespace Reconciler.Storage;

/// <summary>
/// Named points of a run where the crash harness can kill the process: with <c>RECONCILER_CRASH_AT=name</c> (or
/// <c>name#n</c> for the n-th time) the process sends itself SIGKILL on reaching that point, so a test crashes it at
/// a chosen step instead of at a lucky moment. <c>RECONCILER_PAUSE_AT=name</c> with <c>RECONCILER_PAUSE_FILE=path</c>
/// instead creates that file there and waits until it is deleted (at most a minute), so a test can restart the database
/// mid-run. Unset, a point costs one comparison.
/// </summary>
public static class CrashPoints
{
    public const string Variable = "RECONCILER_CRASH_AT";

    public const string PauseVariable = "RECONCILER_PAUSE_AT";

    public const string PauseFileVariable = "RECONCILER_PAUSE_FILE";

    private static readonly (string Name, int Occurrence)? s_target = Parse(Environment.GetEnvironmentVariable(Variable));
    private static readonly (string Name, int Occurrence)? s_pause = Parse(Environment.GetEnvironmentVariable(PauseVariable));
    private static int s_reached;
    private static int s_paused;

    public static void Reach(string name)
    {
        if (s_pause is { } pause && string.Equals(pause.Name, name, StringComparison.Ordinal)
            && Interlocked.Increment(ref s_paused) == pause.Occurrence && Environment.GetEnvironmentVariable(PauseFileVariable) is { Length: > 0 } file)
        {
            File.WriteAllText(file, name);
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (File.Exists(file) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }

        if (s_target is not { } target || !string.Equals(target.Name, name, StringComparison.Ordinal)
            || Interlocked.Increment(ref s_reached) != target.Occurrence)
        {
            return;
        }

        // SIGKILL, not Environment.FailFast: nothing of the process may run after this point, as after a power cut.
        using (Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-KILL", Environment.ProcessId.ToString(CultureInfo.InvariantCulture) } }))
        {
            Thread.Sleep(Timeout.Infinite);
        }
    }

    private static (string, int)? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var hash = value.LastIndexOf('#');
        return hash > 0 && int.TryParse(value.AsSpan(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var occurrence) && occurrence > 0
            ? (value[..hash], occurrence)
            : (value, 1);
    }
}
