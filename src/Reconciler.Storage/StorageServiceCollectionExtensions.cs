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

    /// <summary>Npgsql's read and write buffer size when the connection string names none (8 KB).</summary>
    private const int NpgsqlDefaultBufferSize = 8_192;

    /// <summary>
    /// The read and write buffer of each connection, unless the connection string sets another size: a run moves a day's
    /// rows through a handful of connections (each file's binary COPY in, the evidence streams out), and with Npgsql's
    /// 8 KB every 8 KB was a system call on each side and a wake-up of the process at the other end. First runs of 1 M
    /// orders at 10 % breaks, three alternating pairs (outputs identical): 16.39-16.75 s against 16.78-18.54 s end to
    /// end, the evidence phase 4.78-4.96 s against 4.92-5.31 s, the CLI's system time 1.06-1.14 s against 1.30-1.43 s;
    /// set through the connection string in an earlier series, 1 MB gave 15.70-16.13 s, 256 KB 15.83-16.89 s, 256 KB
    /// for reads alone 16.71-16.78 s, 8 KB 16.52-17.63 s. The outage day's three pairs were within the machine's noise
    /// (19.03-20.25 s against 19.49-20.27 s), its system time lower (1.14-1.21 s against 1.37-1.64 s). A pooled
    /// connection holds both buffers while it is open: 2 MB each (a run's peak RSS +0-18 MB), a few tens of MB for a
    /// `serve` whose pool is busy.
    /// </summary>
    internal const int BufferSize = 1 << 20;

    /// <summary>A data source whose connections work in the configured schema.</summary>
    public static NpgsqlDataSource CreateDataSource(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        StorageOptions.ValidateSchema(options.Schema);
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        var connection = builder.ConnectionStringBuilder;
        connection.SearchPath = options.Schema;
        connection.ApplicationName ??= "reconciler";
        if (connection.ReadBufferSize == NpgsqlDefaultBufferSize)
        {
            connection.ReadBufferSize = BufferSize;
        }

        if (connection.WriteBufferSize == NpgsqlDefaultBufferSize)
        {
            connection.WriteBufferSize = BufferSize;
        }

        return builder.Build();
    }
}
