using System.Globalization;
using System.Net;
using System.Text.Json;
using Reconciler.Host.Tests.Support;

namespace Reconciler.Host.Tests.Serve;

/// <summary>The recurring <c>nightly</c> job of a real <c>serve</c>: date and as-of from the scheduled time, in Asia/Shanghai.</summary>
public sealed class ServeScheduleTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Fact]
    public async Task Nightly_ReconcilesTheDayBeforeItsScheduledInstant_WhenTheScheduleFiresAndWhenTriggeredFromTheDashboard()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        Directory.CreateDirectory(sandbox.PathOf("inbox"));
        try
        {
            var environment = ServeProcess.Environment(sandbox);
            // Every minute, so that a real occurrence comes within the test.
            environment["RECONCILER__Reconciler__Schedule__Nightly"] = "* * * * *";
            await using var serve = await ServeProcess.StartAsync(sandbox, environment);

            var scheduled = await WaitForRunAsync(serve, "schedule", TimeSpan.FromSeconds(150));
            var asOf = scheduled.GetProperty("asOf").GetDateTimeOffset();
            asOf.Second.Should().Be(0, "the as-of is the scheduled minute, not when a worker got to it");
            asOf.Millisecond.Should().Be(0);
            scheduled.GetProperty("date").GetString().Should().Be(DayBefore(asOf), "the business date before the scheduled Beijing day");
            scheduled.GetProperty("requestedBy").GetString().Should().Be("schedule");

            // With a schedule of every minute, a trigger within the first second of a minute is that minute's occurrence
            // (Hangfire records the trigger time in whole seconds): the scheduled run ends within that second now.
            while (DateTimeOffset.UtcNow.Second is < 2 or > 55)
            {
                await Task.Delay(250);
            }

            using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("jobs[]", "nightly")]);
            using var request = ServeProcess.Request(HttpMethod.Post, "/hangfire/recurring/trigger", "operator");
            request.Content = form;
            var before = DateTimeOffset.UtcNow;
            using var response = await serve.Http.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());

            var byHand = await WaitForRunAsync(serve, "dashboard", TimeSpan.FromSeconds(60));
            var handAsOf = byHand.GetProperty("asOf").GetDateTimeOffset();
            handAsOf.Should().BeOnOrBefore(before.AddSeconds(1)).And.BeAfter(before.AddMinutes(-2), "the latest scheduled minute before the trigger");
            handAsOf.Second.Should().Be(0);
            byHand.GetProperty("date").GetString().Should().Be(DayBefore(handAsOf));
        }
        finally
        {
            await ServeProcess.DropHangfireSchemaAsync(sandbox);
        }
    }

    private static string DayBefore(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Shanghai).DateTime).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<JsonElement> WaitForRunAsync(ServeProcess serve, string trigger, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var runs = await serve.GetJsonAsync("/api/runs", "finance");
            var run = runs.EnumerateArray().FirstOrDefault(r => r.GetProperty("trigger").GetString() == trigger);
            if (run.ValueKind != JsonValueKind.Undefined && ServeProcess.IsFinished(run))
            {
                run.GetProperty("status").GetString().Should().Be("completed", run.ToString());
                return run;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"no completed {trigger} run within {timeout.TotalSeconds:0} s:\n{serve.Output}");
    }
}
