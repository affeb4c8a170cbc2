using System.Net;
using System.Security.Cryptography;
using System.Text;
using Reconciler.Host.Tests.Support;
using Reconciler.Testing;

namespace Reconciler.Host.Tests;

/// <summary><c>reconciler events deliver | list</c> through the built CLI, against a real receiver on 127.0.0.1.</summary>
public sealed class EventsCommandTests
{
    private static readonly SampleDay Day = SampleDay.November20;

    [Fact]
    public async Task DeliverThenList_PostsTheRunsEventAndShowsItsAttempts_WhenAWebhookIsConfigured()
    {
        await using var receiver = WebhookReceiver.Start();
        receiver.AnswerWith(HttpStatusCode.ServiceUnavailable);
        await using var sandbox = await CliSandbox.CreateAsync();
        sandbox.Environment["RECONCILER__Reconciler__Alerts__Webhooks__0__Url"] = receiver.Url;
        sandbox.Environment["RECONCILER__Reconciler__Alerts__Webhooks__0__Secret"] = "cli-secret";
        sandbox.Environment["RECONCILER__Reconciler__Alerts__RetryBackoff"] = "00:00:00";
        (await sandbox.RunAsync(Day.RunArgs(sandbox.PathOf("out")))).ExitCode.Should().Be(0);

        var first = await sandbox.RunAsync("events", "deliver");
        var pending = await sandbox.RunAsync("events", "list", "--state", "pending");
        var second = await sandbox.RunAsync("events", "deliver");
        var delivered = await sandbox.RunAsync("events", "list", "--state", "delivered");

        first.ExitCode.Should().Be(0, first.ToString());
        first.Stdout.Should().Contain("1 new event(s); 0 delivered, 1 to retry, 0 given up");
        pending.Stdout.Should().Contain("run.completed").And.Contain("HTTP 503").And.Contain("1 delivery");
        second.Stdout.Should().Contain("0 new event(s); 1 delivered, 0 to retry, 0 given up");
        delivered.Stdout.Should().Contain("run.completed").And.Contain("1 delivery");
        var posts = receiver.Received.ToList();
        posts.Should().HaveCount(2);
        posts.Should().OnlyContain(p => p.Event == "run.completed"
            && p.Signature == "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("cli-secret"), p.Body)));
        (await sandbox.RunAsync("events", "list", "--state", "lost")).ExitCode.Should().Be(2);
    }
}
