using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Reconciler.Jobs;
using Reconciler.Jobs.Scheduling;
using Reconciler.Storage;
using Reconciler.Storage.Migrations;
using Reconciler.Web;

namespace Reconciler.Host.Cli;

/// <summary><c>reconciler serve [--urls URL]</c>: the Hangfire server, the dashboard and the HTTP API in one host.</summary>
internal static class ServeCommand
{
    public static Command Create(Option<string?> config, Option<bool> verbose)
    {
        var urls = new Option<string?>("--urls") { Description = "Where to listen, e.g. http://127.0.0.1:5080 (default http://127.0.0.1:5080)." };
        var command = new Command("serve", "Run the scheduled jobs, the reruns, the Hangfire dashboard and the HTTP API.") { urls };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = AppServices.LoadConfiguration(parse.GetValue(config));
            var storage = AppServices.StorageOptions(configuration);
            return await CliErrors.GuardAsync(async () =>
            {
                var listen = (parse.GetValue(urls) ?? "http://127.0.0.1:5080").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                // Hangfire's tables before the host is built (which opens Hangfire's storage): a role that may not
                // prepare them stops here with one line rather than after Hangfire's own retries.
                PrepareHangfireSchema(storage, (configuration.GetSection(ReconcilerOptions.Section).Get<ReconcilerOptions>() ?? new ReconcilerOptions()).Jobs);
                await using var app = ServeApp.Build(configuration, storage, listen);
                await app.Services.GetRequiredService<Migrator>().MigrateAsync(cancellationToken);
                await app.RunAsync();
                return ExitCodes.Ok;
            }, () => AppServices.DescribeDatabase(storage));
        });
        return command;
    }

    private static void PrepareHangfireSchema(StorageOptions storage, JobsOptions jobs)
    {
        try
        {
            HangfireStorage.PrepareSchema(storage, jobs);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new InvalidOperationException(
                $"Hangfire's schema {jobs.HangfireSchema} is missing or out of date and this role may not prepare it ({e.MessageText}): " +
                "run 'reconciler migrate --hangfire' once as the schema's owner (src/Reconciler.Storage/README.md, Roles)", e);
        }
    }
}
