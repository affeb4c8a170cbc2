namespace Reconciler.Storage.Runs;

/// <summary>The ways a run comes to be, as stored in <c>run.trigger</c>.</summary>
public static class RunTrigger
{
    public const string Schedule = "schedule";
    public const string Api = "api";
    public const string Cli = "cli";
    public const string Dashboard = "dashboard";

    public static IReadOnlyList<string> All { get; } = [Schedule, Api, Cli, Dashboard];
}
