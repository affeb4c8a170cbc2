using Microsoft.Extensions.DependencyInjection;
using Reconciler.Formats;
using Reconciler.Formats.Detection;
using Reconciler.Jobs.Alerts;
using Reconciler.Jobs.Importing;
using Reconciler.Jobs.Running;
using Reconciler.Jobs.Scheduling;

namespace Reconciler.Jobs;

/// <summary>Registers the run orchestration (the readers, the importer, the runner and the report builder) and the webhook dispatcher.</summary>
public static class JobsServiceCollectionExtensions
{
    public static IServiceCollection AddReconcilerJobs(this IServiceCollection services, ReconcilerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton(options.Formats);
        services.AddSingleton(options.Limits);
        services.AddSingleton(_ =>
        {
            // Checked when first needed, inside the command, so a bad setting is the command's one-line error.
            options.Limits.Validate();
            return new FormatDetector(BuiltInReaders.Create(options.Formats), options.Limits);
        });
        services.AddSingleton<InboxImporter>();
        services.AddSingleton<PlatformDatabaseOrders>();
        services.AddSingleton<RunReportBuilder>();
        services.AddSingleton<ReconciliationRunner>();
        services.AddSingleton(TimeProvider.System);
        services.AddTransient<RunJob>();
        services.AddTransient<NightlyJob>();
        services.AddTransient<InboxScanJob>();
        services.AddTransient<WebhookJob>();
        services.AddTransient<RunSubmitter>();
        // Read by the storage registrations: the queue's retry rules and the run store's spike rule.
        services.AddSingleton(options.Compensation);
        services.AddSingleton(options.Alerts.SpikeRule());
        services.AddHttpClient(WebhookDispatcher.HttpClientName);
        services.AddSingleton<WebhookDispatcher>();
        return services;
    }
}
