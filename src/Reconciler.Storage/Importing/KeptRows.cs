namespace Reconciler.Storage.Importing;

/// <summary>
/// Rows of a binary COPY kept until its connection is free: encoded as the COPY takes them (<see cref="BinaryCopyWriter.Rows"/>)
/// into a scratch file (<see cref="OpenScratchFile"/>), so that memory stays flat however many there are, and sent into
/// a COPY whole by <see cref="CopyInto"/> (again from the first row at every call, until <see cref="Clear"/>).
/// </summary>
internal sealed class KeptRows(string columns) : IDisposable
{
    private FileStream? _file;
    private BinaryCopyWriter? _rows;

    /// <summary>How many rows were started.</summary>
    public long Count { get; private set; }

    /// <summary>Starts a row; write its values into the writer returned.</summary>
    public BinaryCopyWriter StartRow()
    {
        _rows ??= BinaryCopyWriter.Rows(_file = OpenScratchFile(), columns);
        _rows.StartRow();
        Count++;
        return _rows;
    }

    /// <summary>Sends every row kept so far into <paramref name="copy"/> (a COPY of the same columns).</summary>
    public void CopyInto(BinaryCopyWriter copy)
    {
        ArgumentNullException.ThrowIfNull(copy);
        if (_rows is null)
        {
            return;
        }

        _rows.FlushRows();
        var end = _file!.Position;
        _file.Position = 0;
        copy.WriteRows(_file, end);
    }

    /// <summary>Forgets every row kept so far (the file is emptied, and the position follows its length back to 0).</summary>
    public void Clear()
    {
        if (_rows is null)
        {
            return;
        }

        _rows.FlushRows();
        _file!.SetLength(0);
        Count = 0;
    }

    public void Dispose() => _file?.Dispose();

    /// <summary>
    /// A file in the system's temporary folder (<c>TMPDIR</c>) that nothing else can open: on Linux its name is removed at
    /// once, so a run killed while it is open leaves nothing behind; elsewhere it goes when closed.
    /// </summary>
    private static FileStream OpenScratchFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"reconciler-rows-{Guid.NewGuid():N}.tmp");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.DeleteOnClose);
        if (!OperatingSystem.IsWindows())
        {
            File.Delete(path);
        }

        return file;
    }
}
