using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Reconciler.Formats.Limits;
using Reconciler.Jobs;
using Reconciler.Storage.Reporting;
using Spectre.Console;

namespace Reconciler.Host.Cli;

/// <summary><c>reconciler quarantine list [--file NAME] [--run ID] [--limit N] [--full]</c>: the lines no reader could take.</summary>
internal static class QuarantineCommand
{
    public static Command Create(Option<string?> config, Option<bool> verbose)
    {
        var file = new Option<string?>("--file") { Description = "Only files whose name contains this text." };
        var run = new Option<long?>("--run") { Description = "Only files imported by this run." };
        var limit = new Option<int>("--limit") { Description = "At most this many lines (default 1000).", DefaultValueFactory = _ => 1000 };
        var full = new Option<bool>("--full") { Description = "Show the whole stored text of each line instead of cutting long cells (Reconciler:Limits:ReportCellChars)." };
        var list = new Command("list", "List quarantined lines with file, line number, reason and raw text.") { file, run, limit, full };
        list.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = AppServices.LoadConfiguration(parse.GetValue(config));
            await using var services = AppServices.Build(configuration, parse.GetValue(verbose));
            return await CliErrors.GuardAsync(async () =>
            {
                await AppServices.MigrateAsync(services, cancellationToken);
                var rows = await services.GetRequiredService<ReportStore>().QuarantineAsync(
                    parse.GetValue(file), parse.GetValue(run), parse.GetValue(limit), cancellationToken);
                var cellChars = parse.GetValue(full) ? int.MaxValue : services.GetRequiredService<ReconcilerOptions>().Limits.ReportCellChars;
                string Cell(string text) => Markup.Escape(text.Length <= cellChars ? text : InputLimits.Truncate(text, cellChars) + " (--full shows it)");
                var table = new Table().AddColumns("File", "Line", "Reason", "Raw text");
                foreach (var row in rows)
                {
                    table.AddRow(Cell(row.SourceName), row.LineNo.ToString(CultureInfo.InvariantCulture), Cell(row.Reason), Cell(row.RawText));
                }

                CliConsole.Create().Write(table);
                Console.WriteLine($"{rows.Count} quarantined line(s)");
                return ExitCodes.Ok;
            }, () => AppServices.DescribeDatabase(services));
        });
        return new Command("quarantine", "Inspect quarantined input lines.") { list };
    }
}
