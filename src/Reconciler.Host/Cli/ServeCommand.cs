using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
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
                await using var app = ServeApp.Build(configuration, storage, listen);
                // The product's schema first; Hangfire prepares its own schema when its storage starts.
                await app.Services.GetRequiredService<Migrator>().MigrateAsync(cancellationToken);
                await app.RunAsync();
                return ExitCodes.Ok;
            }, () => AppServices.DescribeDatabase(storage));
        });
        return command;
    }
}
