using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Reconciler.Jobs.Alerts;
using Reconciler.Storage.Events;
using Spectre.Console;

namespace Reconciler.Host.Cli;

/// <summary>
/// <c>reconciler events list [--state S]</c>: the webhook deliveries and their attempts; <c>reconciler events deliver</c>:
/// one delivery round (what the recurring job does), for cron or a check by hand.
/// </summary>
internal static class EventsCommand
{
    public static Command Create(Option<string?> config, Option<bool> verbose) =>
        new("events", "Events sent to the configured webhooks: list the deliveries, or deliver what is due now.")
        {
            List(config, verbose),
            Deliver(config, verbose),
        };

    private static Command List(Option<string?> config, Option<bool> verbose)
    {
        var state = new Option<string?>("--state") { Description = "pending, delivered or failed." };
        var limit = new Option<int>("--limit") { Description = "At most this many deliveries, newest first (default 100).", DefaultValueFactory = _ => 100 };
        var command = new Command("list", "List event deliveries with their state, attempts and last error.") { state, limit };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = AppServices.LoadConfiguration(parse.GetValue(config));
            await using var services = AppServices.Build(configuration, parse.GetValue(verbose));
            return await CliErrors.GuardAsync(async () =>
            {
                var wanted = parse.GetValue(state);
                if (wanted is not null && !DeliveryStates.All.Contains(wanted))
                {
                    throw new UsageException($"--state '{wanted}' is not one of {string.Join(", ", DeliveryStates.All)}");
                }

                if (parse.GetValue(limit) is < 1 or > 10_000)
                {
                    throw new UsageException("--limit must be between 1 and 10000");
                }

                await AppServices.MigrateAsync(services, cancellationToken);
                var deliveries = await services.GetRequiredService<EventOutboxStore>().ListDeliveriesAsync(wanted, null, parse.GetValue(limit), cancellationToken);
                var table = new Table().AddColumns("Event", "Type", "Occurred (UTC)", "Webhook", "State", "Attempts", "Next attempt (UTC)", "Last status", "Last error");
                foreach (var d in deliveries)
                {
                    table.AddRow(
                        d.EventId.ToString(CultureInfo.InvariantCulture), d.EventType, Time(d.OccurredAt), Markup.Escape(d.Webhook), d.State,
                        d.Attempts.ToString(CultureInfo.InvariantCulture), d.State == DeliveryStates.Pending ? Time(d.NextAttemptAt) : "",
                        d.LastStatus?.ToString(CultureInfo.InvariantCulture) ?? "", Markup.Escape(d.LastError ?? ""));
                }

                CliConsole.Create().Write(table);
                Console.WriteLine($"{deliveries.Count} deliver{(deliveries.Count == 1 ? "y" : "ies")}");
                return ExitCodes.Ok;
            }, () => AppServices.DescribeDatabase(services));
        });
        return command;
    }

    private static Command Deliver(Option<string?> config, Option<bool> verbose)
    {
        var command = new Command("deliver", "Post every due event to its webhooks once (failed posts are recorded and retried later).");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = AppServices.LoadConfiguration(parse.GetValue(config));
            await using var services = AppServices.Build(configuration, parse.GetValue(verbose));
            return await CliErrors.GuardAsync(async () =>
            {
                await AppServices.MigrateAsync(services, cancellationToken);
                var round = await services.GetRequiredService<WebhookDispatcher>().DeliverDueAsync(cancellationToken);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{round.EventsFannedOut} new event(s); {round.Delivered} delivered, {round.Retrying} to retry, {round.Failed} given up"));
                return ExitCodes.Ok;
            }, () => AppServices.DescribeDatabase(services));
        });
        return command;
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
