namespace Reconciler.Jobs.Importing;

/// <summary>Lists the inbox's files, subfolders included, in a stable order; hidden files (dot-names) are not inputs.</summary>
public static class InboxScanner
{
    public static IReadOnlyList<InboxFile> Scan(string inbox)
    {
        ArgumentException.ThrowIfNullOrEmpty(inbox);
        var root = Path.GetFullPath(inbox);
        if (!Directory.Exists(root))
        {
            throw new InboxException(File.Exists(root)
                ? $"inbox {root} is a file, not a folder"
                : $"inbox {root} does not exist; pass --inbox DIR or set Reconciler:Inbox");
        }

        try
        {
            var options = new EnumerationOptions
            {
                RecurseSubdirectories = true,
                IgnoreInaccessible = false,
                AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
                ReturnSpecialDirectories = false,
            };
            return Directory.EnumerateFiles(root, "*", options)
                .Select(path => new InboxFile(path, Path.GetRelativePath(root, path).Replace('\\', '/')))
                .Where(f => !f.RelativePath.Split('/').Any(part => part.StartsWith('.')))
                .OrderBy(f => f.RelativePath, StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new InboxException($"inbox {root} cannot be read: {e.Message}", e);
        }
    }
}
