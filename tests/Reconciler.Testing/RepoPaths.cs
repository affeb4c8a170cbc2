namespace Reconciler.Testing;

/// <summary>Finds the repository's own folders (samples, the built CLI) from a test's output folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Sample(string day) => Path.Combine(Root, "samples", day);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Reconciler.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Reconciler.sln above {AppContext.BaseDirectory}.");
    }
}
