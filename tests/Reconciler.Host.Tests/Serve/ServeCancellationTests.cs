using System.Diagnostics;
using System.Globalization;
using System.Net;
using Reconciler.Host.Tests.Support;
using Reconciler.Testing;

namespace Reconciler.Host.Tests.Serve;

/// <summary>A run whose job is deleted from the dashboard, or whose server shuts down, stops through its cancellation token.</summary>
public sealed class ServeCancellationTests
{
    private const string GeneratedDate = GeneratedDay.Date;
    private const string GeneratedAsOf = GeneratedDay.AsOf;

    [Fact]
    public async Task Run_IsMarkedFailedWithTheReason_WhenItsJobIsDeletedFromTheDashboardMidRun()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        try
        {
            var inbox = await GeneratedDay.CreateAsync(sandbox, orders: 60_000);
            await using var serve = await ServeProcess.StartAsync(sandbox, ServeProcess.Environment(sandbox, inbox));
            var runId = await serve.PostRunAsync(GeneratedDate, GeneratedAsOf, "to be deleted");
            var running = await serve.WaitForRunAsync(runId, r => r.GetProperty("status").GetString() != "queued", TimeSpan.FromSeconds(60));
            running.GetProperty("status").GetString().Should().Be("running");

            using var request = ServeProcess.Request(HttpMethod.Post, "/hangfire/jobs/processing/delete", "operator");
            request.Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("jobs[]", running.GetProperty("hangfireJobId").GetString()!)]);
            using var response = await serve.Http.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.NoContent);

            var stopped = await serve.WaitForRunAsync(runId, ServeProcess.IsFinished, TimeSpan.FromSeconds(60));
            stopped.GetProperty("status").GetString().Should().Be("failed", stopped.ToString());
            stopped.GetProperty("error").GetString().Should().StartWith("cancelled").And.Contain("deleted");
            (await sandbox.Database.ScalarAsync<long>("SELECT count(*) FROM compensation_request"))
                .Should().Be(0, "a cancelled run leaves nothing half-written");
        }
        finally
        {
            await ServeProcess.DropHangfireSchemaAsync(sandbox);
        }
    }

    [Fact]
    public async Task Run_IsMarkedFailedAndFinishedByTheNextServer_WhenItsServerShutsDownMidRun()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        try
        {
            var inbox = await GeneratedDay.CreateAsync(sandbox, orders: 60_000);
            var environment = ServeProcess.Environment(sandbox, inbox);
            long runId;
            await using (var first = await ServeProcess.StartAsync(sandbox, environment))
            {
                runId = await first.PostRunAsync(GeneratedDate, GeneratedAsOf, "shutdown test");
                var running = await first.WaitForRunAsync(runId, r => r.GetProperty("status").GetString() != "queued", TimeSpan.FromSeconds(60));
                running.GetProperty("status").GetString().Should().Be("running");

                using (var term = Process.Start("kill", ["-TERM", first.ProcessId.ToString(CultureInfo.InvariantCulture)]))
                {
                    await term.WaitForExitAsync();
                }

                (await first.WaitForExitAsync(TimeSpan.FromSeconds(60))).Should().BeTrue("serve stops on SIGTERM:\n{0}", first.Output);
                var afterShutdown = await sandbox.Database.ScalarAsync<string>("SELECT status || ': ' || coalesce(error, '') FROM run WHERE run_id = @runId", new { runId });
                afterShutdown.Should().StartWith("failed: cancelled").And.Contain("shut down", first.Output);
            }

            await using var second = await ServeProcess.StartAsync(sandbox, environment);
            // Failed with the reason at shutdown (DESIGN.md), then started again when the requeued job is fetched.
            var finished = await second.WaitForRunAsync(
                runId, r => r.GetProperty("attempts").GetInt32() >= 2 && ServeProcess.IsFinished(r), TimeSpan.FromMinutes(3));
            finished.GetProperty("status").GetString().Should().Be("completed", "the job went back to the queue at shutdown:\n{0}", second.Output);
            finished.GetProperty("attempts").GetInt32().Should().Be(2);
        }
        finally
        {
            await ServeProcess.DropHangfireSchemaAsync(sandbox);
        }
    }
}
