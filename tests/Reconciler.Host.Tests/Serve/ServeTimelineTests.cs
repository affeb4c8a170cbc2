using System.Net;
using System.Text.Json;
using Dapper;
using Reconciler.Host.Tests.Support;
using Reconciler.Storage.Timeline;

namespace Reconciler.Host.Tests.Serve;

/// <summary><c>GET /api/orders/{orderNo}/timeline</c> of a real serve process after a run of the 2026-11-20 sample day.</summary>
public sealed class ServeTimelineTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    private static readonly SampleDay Day = SampleDay.November20;

    [Fact]
    public async Task Timeline_ShowsTheOrderNodeByNodeWithFileAndLine_WhenChargedButNotDelivered()
    {
        var expected = Day.ExpectedMismatches.First(r => r["kind"] == "charged_not_delivered" && !r["provider_txn_id"].Contains(',', StringComparison.Ordinal));
        var orderNo = expected["order_no"];
        var runId = await fixture.Serve.PostRunAsync(Day.Date, Day.AsOf);
        (await fixture.Serve.WaitForRunAsync(runId, ServeProcess.IsFinished, TimeSpan.FromSeconds(90)))
            .GetProperty("status").GetString().Should().Be("completed");

        var timeline = await fixture.Serve.GetJsonAsync($"/api/orders/{orderNo}/timeline", "finance");

        timeline.GetProperty("orderNo").GetString().Should().Be(orderNo);
        var events = timeline.GetProperty("events").EnumerateArray().ToList();
        var nodes = events.Select(e => e.GetProperty("node").GetString()).ToList();
        nodes.Take(2).Should().Equal("created", "paid");
        events.Where(e => e.GetProperty("at").ValueKind != JsonValueKind.Null)
            .Select(e => e.GetProperty("at").GetDateTimeOffset()).Should().BeInAscendingOrder();
        events[0].GetProperty("at").GetString().Should().EndWith("+08:00", "times are shown in the business time zone");
        events[0].GetProperty("source").GetString().Should().MatchRegex(@"^platform/orders_20261120\.csv:\d+$");

        var settlement = events.Single(e => e.GetProperty("node").GetString() == "settlement");
        settlement.GetProperty("source").GetString().Should().MatchRegex(@"^wechat/wechat_bill_ALL_20261120\.csv:\d+$");
        settlement.GetProperty("detail").GetString().Should().Contain("wechat").And.Contain(expected["charged_amount"]).And.Contain(expected["provider_txn_id"]);

        var deliveries = events.Where(e => e.GetProperty("node").GetString() == "delivery").ToList();
        deliveries.Should().NotBeEmpty();
        deliveries.Should().OnlyContain(e => e.GetProperty("detail").GetString()!.StartsWith(expected["vendor"] + " failed", StringComparison.Ordinal));
        deliveries.Should().OnlyContain(e => e.GetProperty("source").GetString()!.Contains(".jsonl:", StringComparison.Ordinal));

        events.Should().Contain(e => e.GetProperty("node").GetString() == "finding"
            && e.GetProperty("detail").GetString()!.StartsWith("charged_not_delivered " + expected["compensation_amount"], StringComparison.Ordinal));
        events.Should().Contain(e => e.GetProperty("node").GetString() == "compensation"
            && e.GetProperty("detail").GetString()!.StartsWith("refund " + expected["compensation_amount"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Timeline_Answers404WithJson_WhenNothingKnowsTheOrder()
    {
        using var response = await fixture.Serve.SendAsync(HttpMethod.Get, "/api/orders/KM-NO-SUCH-ORDER/timeline", "operator");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()
            .Should().Contain("KM-NO-SUCH-ORDER");
    }

    [Fact]
    public async Task TimelineQuery_ReadsEveryTableThroughAnIndex_WhenSequentialScansAreRuledOut()
    {
        await using var connection = await fixture.Sandbox.Database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("SET enable_seqscan = off");
        var plan = string.Join('\n', await connection.QueryAsync<string>("EXPLAIN " + OrderTimelineStore.Sql, new { orderNo = "KM202611200000024" }));

        // With sequential scans priced out, any table still read by one has no usable index on its lookup key.
        plan.Should().NotContain("Seq Scan", plan);
        foreach (var index in new[] { "platform_order_pkey", "settlement_line_order_no", "delivery_event_order_no", "finding_order_no" })
        {
            plan.Should().Contain(index);
        }
    }
}
