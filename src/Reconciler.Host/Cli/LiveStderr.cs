using System.Text;
using Spectre.Console;

namespace Reconciler.Host.Cli;

/// <summary>
/// Stands in for stderr while a live display shares its terminal. The console logger writes its lines from a thread of
/// its own; drawn straight onto the terminal, a line would be drawn over by the display's next refresh. While a display
/// runs, each complete line is written through the display's console instead, which draws it above the live line.
/// </summary>
internal sealed class LiveStderr(TextWriter stderr) : TextWriter
{
    private readonly Lock _lock = new();
    private readonly StringBuilder _pending = new();
    private IAnsiConsole? _live;

    public override Encoding Encoding => stderr.Encoding;

    /// <summary>Replaces <see cref="Console.Error"/>; a logger keeps the stderr it finds when it is made, so call this first.</summary>
    public static LiveStderr Install()
    {
        var writer = new LiveStderr(Console.Error);
        Console.SetError(writer);
        return writer;
    }

    /// <summary>Sends lines through <paramref name="console"/> until <see cref="End"/>.</summary>
    public void Begin(IAnsiConsole console)
    {
        lock (_lock)
        {
            _live = console;
        }
    }

    /// <summary>Back to stderr itself, with whatever part of a line is still held.</summary>
    public void End()
    {
        lock (_lock)
        {
            _live = null;
            stderr.Write(_pending.ToString());
            _pending.Clear();
            stderr.Flush();
        }
    }

    public override void Write(char value) => Write(value.ToString());

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        lock (_lock)
        {
            if (_live is null)
            {
                stderr.Write(value);
                return;
            }

            _pending.Append(value);
            var text = _pending.ToString();
            var end = text.LastIndexOf('\n');
            if (end < 0)
            {
                return;
            }

            _pending.Remove(0, end + 1);
            // Raw, so the logger's own colours pass; each line erased to its end, over what the live line left there.
            _live.Write(new ControlCode(text[..end].Replace("\n", "\u001b[K\n", StringComparison.Ordinal) + "\u001b[K\n"));
        }
    }

    public override void Flush()
    {
        lock (_lock)
        {
            stderr.Flush();
        }
    }
}
