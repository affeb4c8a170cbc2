using Reconciler.Host.Tests.Support;

namespace Reconciler.Host.Tests.Serve;

/// <summary>Retries of a failed run: the configured few, and none for bad input.</summary>
public sealed class ServeRetryTests
{
    [Fact]
    public async Task Run_IsTriedRetriesPlusOneTimesThenFailed_WhenItFailsForAReasonOtherThanItsInput()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        try
        {
            var environment = ServeProcess.Environment(sandbox, SampleDay.November20.Inbox);
            environment["RECONCILER__Reconciler__Jobs__Retries"] = "2";
            environment["RECONCILER__Reconciler__Jobs__RetryDelay"] = "00:00:01";
            await using var serve = await ServeProcess.StartAsync(sandbox, environment);
            // The out folder cannot be made: a file stands where it would go.
            var blocker = sandbox.PathOf("not-a-folder");
            await File.WriteAllTextAsync(blocker, "x");

            var enqueue = await CliProcess.RunCliAsync(
                ["run", "--date", SampleDay.November20.Date, "--as-of", SampleDay.November20.AsOf, "--out", Path.Combine(blocker, "out"), "--enqueue"],
                environment, sandbox.Directory);
            enqueue.ExitCode.Should().Be(0, enqueue.ToString());
            var runId = long.Parse(enqueue.Stdout.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

            var run = await serve.WaitForRunAsync(
                runId, r => r.GetProperty("status").GetString() == "failed" && r.GetProperty("attempts").GetInt32() >= 3, TimeSpan.FromSeconds(120));
            await Task.Delay(TimeSpan.FromSeconds(4));
            run = await serve.GetJsonAsync($"/api/runs/{runId}");

            run.GetProperty("status").GetString().Should().Be("failed");
            run.GetProperty("attempts").GetInt32().Should().Be(3, "the first attempt and Retries = 2 more");
            run.GetProperty("error").GetString().Should().Contain("not-a-folder");
        }
        finally
        {
            await ServeProcess.DropHangfireSchemaAsync(sandbox);
        }
    }

    [Fact]
    public async Task Run_FailsOnceAndIsNotRetried_WhenTheInboxHoldsAFileOfUnknownFormat()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        try
        {
            var inbox = sandbox.PathOf("bad-inbox");
            Directory.CreateDirectory(inbox);
            await File.WriteAllTextAsync(Path.Combine(inbox, "notes.txt"), "this is not a bill\n");
            var environment = ServeProcess.Environment(sandbox, inbox);
            environment["RECONCILER__Reconciler__Jobs__RetryDelay"] = "00:00:01";
            await using var serve = await ServeProcess.StartAsync(sandbox, environment);

            var runId = await serve.PostRunAsync(SampleDay.November20.Date, SampleDay.November20.AsOf);
            await serve.WaitForRunAsync(runId, ServeProcess.IsFinished, TimeSpan.FromSeconds(60));
            await Task.Delay(TimeSpan.FromSeconds(5));
            var run = await serve.GetJsonAsync($"/api/runs/{runId}");

            run.GetProperty("status").GetString().Should().Be("failed");
            run.GetProperty("error").GetString().Should().Contain("notes.txt");
            run.GetProperty("attempts").GetInt32().Should().Be(0, "bad input stops the run before it starts, and is never retried");
        }
        finally
        {
            await ServeProcess.DropHangfireSchemaAsync(sandbox);
        }
    }
}
