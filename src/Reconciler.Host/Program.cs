using System.CommandLine;
using Reconciler.Host.Cli;

var config = new Option<string?>("--config") { Description = "An extra appsettings JSON file.", Recursive = true };
var verbose = new Option<bool>("--verbose", "-v") { Description = "Log each file and step to stderr.", Recursive = true };
var root = new RootCommand("Reconciler: the nightly three-way reconciliation of orders, settlements and deliveries.")
{
    config,
    verbose,
    RunCommand.Create(config, verbose),
    MigrateCommand.Create(config, verbose),
    QuarantineCommand.Create(config, verbose),
    ServeCommand.Create(config, verbose),
    KeysCommand.Create(),
    CompensationsCommand.Create(config, verbose),
    EventsCommand.Create(config, verbose),
};
return await root.Parse(args).InvokeAsync();
