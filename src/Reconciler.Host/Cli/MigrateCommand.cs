using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Reconciler.Jobs;
using Reconciler.Jobs.Scheduling;
using Reconciler.Storage;

namespace Reconciler.Host.Cli;

/// <summary><c>reconciler migrate [--hangfire]</c>: bring the database schema (and Hangfire's) up to date.</summary>
internal static class MigrateCommand
{
    public static Command Create(Option<string?> config, Option<bool> verbose)
    {
        var hangfire = new Option<bool>("--hangfire")
        {
            Description = "Also create or upgrade Hangfire's tables in Reconciler:Jobs:HangfireSchema (what serve does on start), " +
                "so that serve can run as a role granted only their rows.",
        };
        var command = new Command("migrate", "Apply the database migrations (every other verb does this first).") { hangfire };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = AppServices.LoadConfiguration(parse.GetValue(config));
            await using var services = AppServices.Build(configuration, parse.GetValue(verbose));
            return await CliErrors.GuardAsync(async () =>
            {
                await AppServices.MigrateAsync(services, cancellationToken);
                Console.WriteLine($"database {AppServices.DescribeDatabase(services)} is up to date");
                if (parse.GetValue(hangfire))
                {
                    var jobs = services.GetRequiredService<ReconcilerOptions>().Jobs;
                    HangfireStorage.PrepareSchema(services.GetRequiredService<StorageOptions>(), jobs);
                    Console.WriteLine($"Hangfire schema {jobs.HangfireSchema} is up to date");
                }

                return ExitCodes.Ok;
            }, () => AppServices.DescribeDatabase(services));
        });
        return command;
    }
}
