using System.CommandLine;

namespace Reconciler.Host.Cli;

/// <summary><c>reconciler migrate</c>: bring the database schema up to date and say what was applied.</summary>
internal static class MigrateCommand
{
    public static Command Create(Option<string?> config, Option<bool> verbose)
    {
        var command = new Command("migrate", "Apply the database migrations (every other verb does this first).");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = AppServices.LoadConfiguration(parse.GetValue(config));
            await using var services = AppServices.Build(configuration, parse.GetValue(verbose));
            return await CliErrors.GuardAsync(async () =>
            {
                await AppServices.MigrateAsync(services, cancellationToken);
                Console.WriteLine($"database {AppServices.DescribeDatabase(services)} is up to date");
                return ExitCodes.Ok;
            }, () => AppServices.DescribeDatabase(services));
        });
        return command;
    }
}
