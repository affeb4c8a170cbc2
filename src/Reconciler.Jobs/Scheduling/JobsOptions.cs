namespace Reconciler.Jobs.Scheduling;

/// <summary>The settings of section <c>Reconciler:Jobs</c>: Hangfire's workers, storage and retries.</summary>
public sealed class JobsOptions
{
    /// <summary>Jobs one <c>serve</c> process executes at once.</summary>
    public int WorkerCount { get; set; } = 2;

    /// <summary>How often a failed run is tried again (bad input never is).</summary>
    public int Retries { get; set; } = 2;

    /// <summary>The wait before a failed run's next attempt, multiplied by the attempt's number.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a job fetched by a server that stopped answering stays invisible before another server takes it. The
    /// timeout slides while the job runs (Hangfire.PostgreSql's <c>UseSlidingInvisibilityTimeout</c>), so a long run is
    /// never taken twice while its server lives.
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often an idle worker looks for a queued job.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a running job checks whether it was deleted from the dashboard.</summary>
    public TimeSpan CancellationCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long shutdown waits for running jobs to stop through their cancellation token.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The PostgreSQL schema of Hangfire's own tables (created on start), apart from the product's.</summary>
    public string HangfireSchema { get; set; } = "hangfire";
}
