using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Reconciler.Storage.Compensation;
using Reconciler.Storage.Events;
using Reconciler.Storage.Incidents;
using Reconciler.Storage.Migrations;
using Reconciler.Storage.Reconciliation;
using Reconciler.Storage.Reporting;
using Reconciler.Storage.Runs;
using Reconciler.Storage.Timeline;

namespace Reconciler.Storage;

/// <summary>Registers the database and the stores.</summary>
public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddReconcilerStorage(this IServiceCollection services, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton(_ => CreateDataSource(options));
        services.AddSingleton(sp => new Migrator(sp.GetRequiredService<NpgsqlDataSource>(), options.Schema));
        services.AddSingleton<RunStore>();
        services.AddSingleton<ReconciliationStore>();
        services.AddSingleton<ReportStore>();
        services.AddSingleton<EventOutboxStore>();
        services.AddSingleton<OrderTimelineStore>();
        services.AddSingleton<IncidentStore>();
        services.AddSingleton<FindingSearchStore>();
        // The queue's retry rules come from the Reconciler section when the jobs registered them; else the defaults.
        services.AddSingleton(sp => new CompensationStore(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetService<CompensationQueueOptions>() ?? new CompensationQueueOptions()));
        return services;
    }

    /// <summary>A data source whose connections work in the configured schema.</summary>
    public static NpgsqlDataSource CreateDataSource(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        StorageOptions.ValidateSchema(options.Schema);
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.ConnectionStringBuilder.SearchPath = options.Schema;
        builder.ConnectionStringBuilder.ApplicationName ??= "reconciler";
        return builder.Build();
    }
}
