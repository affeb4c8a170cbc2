using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Reconciler.Host.Tests.Support;

namespace Reconciler.Host.Tests.Serve;

/// <summary>The CLI verbs that go with serve: <c>keys new</c> and <c>run --enqueue [--wait]</c>.</summary>
public sealed class ServeCliTests
{
    [Fact]
    public async Task KeysNew_PrintsTheKeyOnceAndAnEntryHoldingOnlyItsHash()
    {
        await using var sandbox = await CliSandbox.CreateAsync();

        var result = await sandbox.RunAsync("keys", "new", "--name", "ops.zhang", "--role", "operator", "--role", "finance");

        result.ExitCode.Should().Be(0, result.ToString());
        var key = result.Stdout.Split('\n').Single(l => l.StartsWith("key: ", StringComparison.Ordinal))["key: ".Length..].Trim();
        key.Should().StartWith("rk_").And.HaveLength(3 + 43, "256 random bits in base64url");
        var entry = JsonDocument.Parse(result.Stdout[result.Stdout.IndexOf('{', StringComparison.Ordinal)..]).RootElement;
        entry.GetProperty("Name").GetString().Should().Be("ops.zhang");
        entry.GetProperty("KeySha256").GetString().Should().Be(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))));
        entry.GetProperty("Roles").EnumerateArray().Select(r => r.GetString()).Should().Equal("operator", "finance");
    }

    [Theory]
    [InlineData("--role", "admin")]
    [InlineData("--name", "")]
    public async Task KeysNew_ExitsWith2AndSaysWhy_WhenNameOrRoleIsMissingOrUnknown(string option, string value)
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        string[] args = option == "--role" ? ["keys", "new", "--name", "x", option, value] : ["keys", "new", "--role", "finance"];

        var result = await sandbox.RunAsync(args);

        result.ExitCode.Should().Be(2, result.ToString());
        result.StderrLines.Should().ContainSingle().Which.Should().StartWith("reconciler: ").And.Contain(option);
    }

    [Fact]
    public async Task RunEnqueueWait_HandsTheRunToServeAndReportsItsFindings_WhenAServerIsUp()
    {
        await using var sandbox = await CliSandbox.CreateAsync();
        try
        {
            var environment = ServeProcess.Environment(sandbox);
            await using var serve = await ServeProcess.StartAsync(sandbox, environment);
            var day = SampleDay.November20;

            var result = await CliProcess.RunCliAsync(
                ["run", "--date", day.Date, "--as-of", day.AsOf, "--inbox", day.Inbox, "--out", sandbox.PathOf("enqueued"),
                 "--enqueue", "--wait", "--reason", "operator rerun from the shell"],
                environment, sandbox.Directory, TimeSpan.FromMinutes(3));

            result.ExitCode.Should().Be(0, result + "\n--- serve\n" + serve.Output);
            result.Stdout.Should().MatchRegex(@"run \d+ queued \(Hangfire job \d+\)").And.Contain("completed: 16 new, 0 still open, 0 resolved findings");
            day.AssertMismatches(sandbox.PathOf("enqueued"), status: "new");
            var run = (await serve.GetJsonAsync("/api/runs", "finance")).EnumerateArray().Single();
            run.GetProperty("trigger").GetString().Should().Be("cli");
            run.GetProperty("reason").GetString().Should().Be("operator rerun from the shell");
        }
        finally
        {
            await ServeProcess.DropHangfireSchemaAsync(sandbox);
        }
    }
}
