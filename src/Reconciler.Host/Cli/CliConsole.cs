using Spectre.Console;

namespace Reconciler.Host.Cli;

/// <summary>
/// The console the verbs write their tables to. On a terminal it is Spectre's own. Redirected to a file or a pipe
/// (cron, CI, <c>| grep</c>), Spectre would assume 80 columns, wrap file names, reasons and raw lines mid-word
/// across rows, and still emit ANSI escapes when TERM is set: there each row stays on one line, as plain text.
/// </summary>
internal static class CliConsole
{
    /// <summary>Wide enough for any file name, reason or raw input line a table shows; tables do not expand to it.</summary>
    private const int RedirectedWidth = 4096;

    public static IAnsiConsole Create()
    {
        if (!Console.IsOutputRedirected)
        {
            return AnsiConsole.Console;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        console.Profile.Width = RedirectedWidth;
        return console;
    }
}
