using Hangfire;
using Hangfire.PostgreSql;
using Npgsql;
using Reconciler.Storage;

namespace Reconciler.Jobs.Scheduling;

/// <summary>Hangfire's PostgreSQL storage as every process of ours configures it: the product's database, its own schema.</summary>
public static class HangfireStorage
{
    public static PostgreSqlStorageOptions Options(JobsOptions jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        // Hangfire.PostgreSql splices the name into its SQL unquoted in places: only a plain identifier is safe there.
        StorageOptions.ValidateSchema(jobs.HangfireSchema, "Reconciler:Jobs:HangfireSchema");
        return new PostgreSqlStorageOptions
        {
            SchemaName = jobs.HangfireSchema,
            PrepareSchemaIfNecessary = true,
            // The invisibility timeout slides with each heartbeat of a running job, so it can be minutes rather than
            // Hangfire's 30: a job whose server died is taken by another that soon, one still running never is.
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = jobs.InvisibilityTimeout,
            QueuePollInterval = jobs.QueuePollInterval,
        };
    }

    /// <summary>Points Hangfire at the product's database (its connection string, without our schema on the search path).</summary>
    public static IGlobalConfiguration UseReconcilerStorage(this IGlobalConfiguration configuration, StorageOptions storage, JobsOptions jobs)
    {
        var connection = ConnectionString(storage);
        return configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connection), Options(jobs));
    }

    /// <summary>
    /// Creates Hangfire's tables in <see cref="JobsOptions.HangfireSchema"/> or brings them up to date, as <c>serve</c>
    /// does on start (<c>reconciler migrate --hangfire</c>): so a migration role can prepare them for an application
    /// role granted only their rows. Hangfire creates the schema itself only when the role cannot see it.
    /// </summary>
    public static void PrepareSchema(StorageOptions storage, JobsOptions jobs)
    {
        var options = Options(jobs);
        using var connection = new NpgsqlConnection(ConnectionString(storage));
        connection.Open();
        PostgreSqlObjectsInstaller.Install(connection, options.SchemaName);
    }

    /// <summary>A storage for a process that only enqueues (the CLI's <c>run --enqueue</c>).</summary>
    public static PostgreSqlStorage Create(StorageOptions storage, JobsOptions jobs)
    {
        var connection = ConnectionString(storage);
        return new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(connection, Options(jobs)), Options(jobs));
    }

    private static string ConnectionString(StorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return new NpgsqlConnectionStringBuilder(storage.ConnectionString) { ApplicationName = "reconciler-hangfire" }.ConnectionString;
    }
}
