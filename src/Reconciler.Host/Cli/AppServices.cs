using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Reconciler.Jobs;
using Reconciler.Storage;
using Reconciler.Storage.Migrations;

namespace Reconciler.Host.Cli;

/// <summary>Composes configuration, logging, storage and jobs for a CLI verb.</summary>
internal static class AppServices
{
    /// <summary>The environment variable that overrides every configured connection string.</summary>
    public const string DatabaseVariable = "RECONCILER_DB";

    public static IConfiguration LoadConfiguration(string? configFile)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonFile(Path.GetFullPath("appsettings.json"), optional: true);
        if (configFile is not null)
        {
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }

        return builder.AddEnvironmentVariables("RECONCILER__").Build();
    }

    public static StorageOptions StorageOptions(IConfiguration configuration)
    {
        var options = configuration.GetSection("Reconciler:Storage").Get<StorageOptions>() ?? new StorageOptions();
        var connection = Environment.GetEnvironmentVariable(DatabaseVariable);
        if (string.IsNullOrWhiteSpace(connection))
        {
            connection = configuration.GetConnectionString("Reconciler");
        }

        if (!string.IsNullOrWhiteSpace(connection))
        {
            options.ConnectionString = connection;
        }

        return options;
    }

    public static ServiceProvider Build(IConfiguration configuration, bool verbose)
    {
        var options = configuration.GetSection(ReconcilerOptions.Section).Get<ReconcilerOptions>() ?? new ReconcilerOptions();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging
            .AddConfiguration(configuration.GetSection("Logging"))
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss ";
            })
            .AddFilter((category, level) => verbose ? level >= LogLevel.Information : level >= LogLevel.Warning));
        services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        services.AddReconcilerStorage(StorageOptions(configuration));
        services.AddReconcilerJobs(options);
        return services.BuildServiceProvider();
    }

    /// <summary>Applies the migrations; the CLI does this before anything else so an empty database just works.</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        await services.GetRequiredService<Migrator>().MigrateAsync(cancellationToken);

    /// <summary>Names the database without its password, for messages.</summary>
    public static string DescribeDatabase(IServiceProvider services) =>
        DescribeDatabase(services.GetRequiredService<StorageOptions>());

    /// <summary>Names the database without its password, for messages.</summary>
    public static string DescribeDatabase(StorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var builder = new NpgsqlConnectionStringBuilder(storage.ConnectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }
}
