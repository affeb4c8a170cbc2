using System.Diagnostics;
using System.Globalization;

namespace Reconciler.Storage;

/// <summary>
/// Named points of a run where the crash harness can kill the process: with <c>RECONCILER_CRASH_AT=name</c> (or
/// <c>name#n</c> for the n-th time) the process sends itself SIGKILL on reaching that point, so a test crashes it at
/// a chosen step instead of at a lucky moment. Unset, a point costs one comparison.
/// </summary>
public static class CrashPoints
{
    public const string Variable = "RECONCILER_CRASH_AT";

    private static readonly (string Name, int Occurrence)? s_target = Parse(Environment.GetEnvironmentVariable(Variable));
    private static int s_reached;

    public static void Reach(string name)
    {
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
