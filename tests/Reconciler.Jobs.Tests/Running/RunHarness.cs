using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reconciler.Jobs;
using Reconciler.Jobs.Running;
using Reconciler.Storage;
using Reconciler.Testing;

namespace Reconciler.Jobs.Tests.Running;

/// <summary>A real runner over a schema of its own, with a scratch folder for inboxes and outputs.</summary>
public sealed class RunHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private RunHarness(TestDatabase database, ServiceProvider services, string scratch)
    {
        Database = database;
        _services = services;
        Scratch = scratch;
    }

    public TestDatabase Database { get; }

    public string Scratch { get; }

    public ReconciliationRunner Runner => _services.GetRequiredService<ReconciliationRunner>();

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public static async Task<RunHarness> CreateAsync(ReconcilerOptions? options = null)
    {
        var database = await TestDatabase.CreateAsync();
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddReconcilerStorage(database.Options)
            .AddReconcilerJobs(options ?? new ReconcilerOptions())
            .BuildServiceProvider();
        return new RunHarness(database, services, Directory.CreateTempSubdirectory("reconciler-run-").FullName);
    }

    /// <summary>Copies a sample day's inbox into the scratch folder, leaving out the files named.</summary>
    public string CopySampleInbox(string day, params string[] leaveOut)
    {
        var source = Path.Combine(RepoPaths.Sample(day), "inbox");
        var target = Path.Combine(Scratch, "inbox-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file).Replace('\\', '/');
            if (leaveOut.Contains(relative, StringComparer.Ordinal))
            {
                continue;
            }

            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    /// <summary>Runs <paramref name="day"/> as of 10:30 Beijing time the next morning (or <paramref name="asOf"/>).</summary>
    public Task<RunResult> RunAsync(string day, string inbox, string? asOf = null, string? reason = null)
    {
        var date = DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var instant = DateTimeOffset.Parse(
            asOf ?? $"{date.AddDays(1):yyyy-MM-dd}T10:30:00+08:00", CultureInfo.InvariantCulture);
        var outDir = Path.Combine(Scratch, "out-" + Guid.NewGuid().ToString("N")[..8]);
        return Runner.RunAsync(new RunRequest(date, instant, inbox, outDir, "tests", reason), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Database.DisposeAsync();
        Directory.Delete(Scratch, recursive: true);
    }
}
