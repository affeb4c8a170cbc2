namespace Reconciler.Jobs.Importing;

/// <summary>
/// Lists the inbox's files, subfolders included, in a stable order; hidden files (dot-names) are not inputs. A symbolic
/// link (to a file or a folder) is listed as such and never followed: a link could pull in any file the process can
/// read, so the importer refuses it by name.
/// </summary>
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
            var files = new List<InboxFile>();
            Walk(new DirectoryInfo(root), root, files);
            return files.OrderBy(f => f.RelativePath, StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new InboxException($"inbox {root} cannot be read: {e.Message}", e);
        }
    }

    private static void Walk(DirectoryInfo folder, string root, List<InboxFile> files)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = false,
            IgnoreInaccessible = false,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
            ReturnSpecialDirectories = false,
        };
        foreach (var item in folder.EnumerateFileSystemInfos("*", options))
        {
            if (item.Name.StartsWith('.'))
            {
                continue;
            }

            var relative = Path.GetRelativePath(root, item.FullName).Replace('\\', '/');
            if (item.LinkTarget is not null)
            {
                files.Add(new InboxFile(item.FullName, relative) { IsLink = true });
            }
            else if (item is DirectoryInfo subfolder)
            {
                Walk(subfolder, root, files);
            }
            else
            {
                files.Add(new InboxFile(item.FullName, relative));
            }
        }
    }
}
