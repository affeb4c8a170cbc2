using Microsoft.Extensions.Configuration;
using Reconciler.Core.Matching;
using Reconciler.Testing;

namespace Reconciler.Jobs.Tests;

public sealed class ReconcilerOptionsTests
{
    [Fact]
    public void Bind_ReadsEverySettingOfTheExampleFile()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepoPaths.Root, "appsettings.example.json")).Build();

        var options = configuration.GetSection(ReconcilerOptions.Section).Get<ReconcilerOptions>()!;

        options.TimeZone.Should().Be("Asia/Shanghai");
        options.ExpectedProviders.Should().Equal("wechat", "alipay", "unionpay");
        options.Matching.HoldLimit.Should().Be(TimeSpan.FromHours(24));
        options.Matching.DeliverySlaByProductType["gift_card"].Should().Be(TimeSpan.FromMinutes(30));
        options.Formats.NormaliseChannel("WXPAY").Should().Be("wechat");
        var mapping = options.Formats.VendorMappings.Should().ContainSingle().Subject;
        mapping.SuccessValuesOrDefault.Should().Equal("OK", "DELIVERED");
        mapping.FinishedAtFormat.Should().Be("yyyy-MM-dd HH:mm:ss");
        options.Jobs.Retries.Should().Be(2);
        options.Jobs.InvisibilityTimeout.Should().Be(TimeSpan.FromMinutes(5));
        options.Jobs.HangfireSchema.Should().Be("hangfire");
        options.Schedule.Nightly.Should().Be("30 10 * * *");
        options.Schedule.InboxScan.Should().Be("*/5 * * * *");
        options.Compensation.MaxAttempts.Should().Be(5);
        options.Compensation.RetryBackoff.Should().Be(TimeSpan.FromMinutes(1));
        var webhook = options.Alerts.Webhooks.Should().ContainSingle().Subject;
        webhook.Events.Should().Equal("run.failed", "breaks.spike", "compensation.failed");
        webhook.EffectiveName.Should().Be("on-call");
        options.Alerts.SpikeRule().Should().Be(new Storage.Runs.BreakSpikeRule(3m, 20, 7));
        options.Alerts.DeliveryTimeout.Should().Be(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void RetryAfter_DoublesUpToTheCapThenGivesUp_WhenAttemptsRunOut()
    {
        var alerts = new Reconciler.Jobs.Alerts.AlertOptions { RetryBackoff = TimeSpan.FromSeconds(30), MaxRetryBackoff = TimeSpan.FromMinutes(3), MaxDeliveryAttempts = 5 };

        Enumerable.Range(1, 5).Select(alerts.RetryAfter).Should().Equal(
            TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120), TimeSpan.FromMinutes(3), null);
    }

    [Fact]
    public void Bind_ReplacesTheDefaults_WhenAnOperatorNarrowsThem()
    {
        var json = """
            { "Reconciler": {
                "ExpectedDailySettlement": "wechat",
                "Matching": { "DeliverySla": "00:45:00", "RedeliverProductTypes": [ "membership" ] },
                "Formats": { "VendorMappings": [ { "Format": "vendor-x", "SuccessValues": [ "成功" ] } ] } } }
            """;
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();

        var options = configuration.GetSection(ReconcilerOptions.Section).Get<ReconcilerOptions>()!;

        options.ExpectedProviders.Should().Equal("wechat");
        var policy = options.Matching.ToPolicy();
        policy.DeliverySlaFor("game_card").Should().Be(TimeSpan.FromMinutes(45));
        policy.UndeliveredActionFor("membership").Should().Be(CompensationAction.Redeliver);
        policy.UndeliveredActionFor("game_card").Should().Be(CompensationAction.Refund);
        var mapping = options.Formats.VendorMappings.Single();
        mapping.SuccessValuesOrDefault.Should().Equal("成功");
        mapping.FailedValuesOrDefault.Should().Equal("failed");
    }

    [Fact]
    public void Bind_DocumentsEveryLimitAtItsDefault_InTheExampleFile()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepoPaths.Root, "appsettings.example.json")).Build();
        var section = configuration.GetSection("Reconciler:Limits");

        var limits = section.Get<Reconciler.Formats.Limits.InputLimits>()!;

        limits.Should().BeEquivalentTo(new Reconciler.Formats.Limits.InputLimits());
        section.GetChildren().Select(c => c.Key).Where(k => !k.StartsWith("//", StringComparison.Ordinal))
            .Should().BeEquivalentTo(typeof(Reconciler.Formats.Limits.InputLimits).GetProperties().Select(p => p.Name));
    }

    [Fact]
    public void ExpectedProviders_IsEmpty_WhenTheSettingIsEmpty()
    {
        new ReconcilerOptions { ExpectedDailySettlement = "" }.ExpectedProviders.Should().BeEmpty();
    }
}
