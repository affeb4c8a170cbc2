namespace Reconciler.Jobs.Importing;

/// <summary>A file found in the inbox: its full path and its path relative to the inbox (forward slashes).</summary>
public sealed record InboxFile(string FullPath, string RelativePath)
{
    /// <summary>Whether it is a symbolic link (refused, never followed).</summary>
    public bool IsLink { get; init; }
}
