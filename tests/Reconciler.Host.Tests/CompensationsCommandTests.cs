using System.Text.Json;
using Reconciler.Host.Tests.Support;

namespace Reconciler.Host.Tests;

/// <summary><c>reconciler compensations claim | complete | fail | list</c> through the built CLI, as a consumer script uses them.</summary>
public sealed class CompensationsCommandTests
{
    private static readonly SampleDay Day = SampleDay.November20;

    [Fact]
    public async Task ClaimThenCompleteAndFail_WorkAsAConsumerLoop_AfterASampleDayRun()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        (await sandbox.RunAsync(Day.RunArgs(sandbox.PathOf("out")))).ExitCode.Should().Be(0);
        var automatic = Day.ExpectedMismatches.Count(r => r["compensation_action"] is "refund" or "redeliver");

        var claim = await sandbox.RunAsync("compensations", "claim", "--consumer", "refund-bot", "--limit", "2", "--lease-seconds", "120");

        claim.ExitCode.Should().Be(0, claim.ToString());
        using var json = JsonDocument.Parse(claim.Stdout);
        var items = json.RootElement.GetProperty("items").EnumerateArray().ToList();
        items.Should().HaveCount(2);
        var first = items[0];
        var id = first.GetProperty("requestId").GetString()!;
        var token = first.GetProperty("leaseToken").GetString()!;

        var complete = await sandbox.RunAsync("compensations", "complete", id, "--lease-token", token, "--reference", "wx-refund-1", "--idempotency-key", "k1");
        var replay = await sandbox.RunAsync("compensations", "complete", id, "--lease-token", token, "--reference", "wx-refund-1", "--idempotency-key", "k1");
        var late = await sandbox.RunAsync("compensations", "complete", id, "--lease-token", token, "--reference", "wx-refund-1", "--idempotency-key", "k2");
        var fail = await sandbox.RunAsync("compensations", "fail", items[1].GetProperty("requestId").GetString()!,
            "--lease-token", items[1].GetProperty("leaseToken").GetString()!, "--reason", "account closed");
        var list = await sandbox.RunAsync("compensations", "list", "--state", "pending", "--date", Day.Date);

        complete.ExitCode.Should().Be(0, complete.ToString());
        JsonDocument.Parse(complete.Stdout).RootElement.GetProperty("state").GetString().Should().Be("completed");
        replay.ExitCode.Should().Be(0);
        replay.Stdout.Should().Be(complete.Stdout);
        late.ExitCode.Should().Be(5, late.ToString());
        JsonDocument.Parse(late.Stdout).RootElement.GetProperty("reason").GetString().Should().Be("already_completed");
        late.Stderr.Should().StartWith("reconciler: 409 already_completed");
        fail.ExitCode.Should().Be(0, fail.ToString());
        JsonDocument.Parse(fail.Stdout).RootElement.GetProperty("state").GetString().Should().Be("failed");
        list.ExitCode.Should().Be(0, list.ToString());
        list.Stdout.Should().Contain($"{automatic - 2} request(s)");
        (await sandbox.RunAsync("compensations", "claim", "--consumer", "refund-bot", "--limit", "0")).ExitCode.Should().Be(2);
        (await sandbox.RunAsync("compensations", "complete", "nope", "--lease-token", token, "--reference", "r")).ExitCode.Should().Be(4);
    }
}
