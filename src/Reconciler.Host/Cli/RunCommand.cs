using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Reconciler.Jobs;
using Reconciler.Jobs.Running;
using Reconciler.Reports.Model;
using Spectre.Console;

namespace Reconciler.Host.Cli;

/// <summary><c>reconciler run --date D [--as-of T] [--inbox DIR] [--out DIR]</c>: import, reconcile, report.</summary>
internal static class RunCommand
{
    public static Command Create(Option<string?> config, Option<bool> verbose)
    {
        var date = new Option<string?>("--date") { Description = "Business date to reconcile (yyyy-MM-dd, in Reconciler:TimeZone)." };
        var asOf = new Option<string?>("--as-of") { Description = "The instant the run judges time from (ISO 8601; default now)." };
        var inbox = new Option<string?>("--inbox") { Description = "Folder of input files, subfolders included (default Reconciler:Inbox)." };
        var output = new Option<string?>("--out") { Description = "Folder for mismatches.csv, report.html, summary.json (default out/<date>/)." };
        var format = new Option<string?>("--format") { Description = "Read every inbox file as this format instead of recognising it." };
        var requestedBy = new Option<string?>("--requested-by") { Description = "Who asked for the run (default the current user)." };
        var reason = new Option<string?>("--reason") { Description = "Why the run was asked for (kept with the run)." };
        var enqueue = new Option<bool>("--enqueue") { Description = "Hand the run to the serve processes (Hangfire) instead of running it here; prints its run id." };
        var wait = new Option<bool>("--wait") { Description = "With --enqueue: wait until the run completes or fails, showing its progress." };
        var command = new Command("run", "Import what is new in the inbox, reconcile a business date and write its report.")
        {
            date, asOf, inbox, output, format, requestedBy, reason, enqueue, wait,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = CliConsole.Create();
            var display = parse.GetValue(enqueue) ? null : RunProgressDisplay.Create(console, parse.GetValue(verbose));
            var configuration = AppServices.LoadConfiguration(parse.GetValue(config));
            await using var services = AppServices.Build(configuration, parse.GetValue(verbose));
            return await CliErrors.GuardAsync(async () =>
            {
                var options = services.GetRequiredService<ReconcilerOptions>();
                var runner = services.GetRequiredService<ReconciliationRunner>();
                var day = OptionParsing.Date(parse.GetValue(date), "--date");
                var instant = parse.GetValue(asOf) is { } text
                    ? OptionParsing.Instant(text, "--as-of", runner.Calendar.Zone)
                    : DateTimeOffset.UtcNow;
                var request = new RunRequest(
                    day,
                    instant,
                    parse.GetValue(inbox) ?? options.Inbox,
                    parse.GetValue(output) ?? Path.Combine(options.OutRoot, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                    parse.GetValue(requestedBy) ?? Environment.UserName,
                    parse.GetValue(reason),
                    parse.GetValue(format));
                await AppServices.MigrateAsync(services, cancellationToken);
                if (parse.GetValue(enqueue))
                {
                    return await EnqueuedRun.SubmitAsync(
                        services, request, parse.GetValue(inbox) is not null, parse.GetValue(output) is not null, parse.GetValue(wait), cancellationToken);
                }

                if (parse.GetValue(wait))
                {
                    throw new UsageException("--wait goes with --enqueue");
                }

                var result = display is null
                    ? await runner.RunAsync(request, cancellationToken)
                    : await display.RunAsync(observer => runner.RunAsync(request, cancellationToken, observer), cancellationToken);
                Print(result, console);
                return ExitCodes.Ok;
            }, () => AppServices.DescribeDatabase(services));
        });
        return command;
    }

    private static void Print(RunResult result, IAnsiConsole console)
    {
        var report = result.Report;
        console.MarkupLine(CultureInfo.InvariantCulture, "[bold]Run {0}[/] for {1:yyyy-MM-dd}, as of {2:yyyy-MM-dd HH:mm:ss} UTC", result.RunId, report.BusinessDate, report.AsOf.UtcDateTime);

        var files = new Table().AddColumns("File", "Format", "Status", "Rows", "Quarantined", "Detail");
        foreach (var file in report.Files)
        {
            files.AddRow(Markup.Escape(file.Name), Markup.Escape(file.Format ?? ""), Markup.Escape(file.Status),
                Number(file.Rows), Number(file.Quarantined), Markup.Escape(file.Detail ?? file.ControlSummary ?? ""));
        }

        console.Write(files);
        foreach (var missing in report.MissingSettlements)
        {
            console.MarkupLine(CultureInfo.InvariantCulture, "[red]Missing settlement[/] {0} for {1:yyyy-MM-dd}: {2}", Markup.Escape(missing.Provider), missing.Date, Markup.Escape(missing.Reason));
        }

        var kinds = new Table().AddColumns("Finding", "Count", "Charged", "Compensation");
        foreach (var kind in report.Kinds)
        {
            kinds.AddRow(kind.Kind, Number(kind.Count), Amounts(kind.ChargedAmount), Amounts(kind.CompensationAmount));
        }

        console.Write(kinds);

        console.MarkupLine(CultureInfo.InvariantCulture,
            "{0} findings ({1} new, {2} still open, {3} resolved); compensation requested: {4}; quarantined lines: {5}",
            report.Findings.Count, report.Findings.New, report.Findings.Open, report.Resolved.Count,
            Markup.Escape(Amounts(report.CompensationTotal)), report.QuarantinedTotal);
        foreach (var path in result.Outputs)
        {
            console.WriteLine(Path.GetFullPath(path));
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Amounts(IReadOnlyList<CurrencyAmount> amounts) =>
        amounts.Count == 0
            ? "-"
            : string.Join(", ", amounts.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Amount:N2} {a.Currency}")));
}
