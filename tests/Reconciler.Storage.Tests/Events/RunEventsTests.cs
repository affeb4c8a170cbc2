using System.Globalization;
using System.Text.Json;
using Reconciler.Storage.Runs;
using Reconciler.Storage.Tests.Support;

namespace Reconciler.Storage.Tests.Events;

/// <summary>run.completed, run.failed and breaks.spike are written with the run's own change, in its transaction.</summary>
public sealed class RunEventsTests : DatabaseTest
{
    private static readonly BreakSpikeRule Rule = new(Factor: 3m, Minimum: 10, TrailingRuns: 3);

    private RunStore SpikeRuns => new(Database.DataSource, Rule);

    private static string Summary(params (string Kind, long Count, decimal Charged)[] kinds) =>
        JsonSerializer.Serialize(new
        {
            finding_counts = new { @new = 1, open = 2, resolved = 0, total = 3 },
            kinds = kinds.Select(k => new
            {
                kind = k.Kind,
                count = k.Count,
                charged_amount = new[] { new { currency = "CNY", amount = k.Charged } },
                compensation_amount = Array.Empty<object>(),
            }),
        });

    private async Task<long> CompletedRunAsync(DateOnly date, params (string Kind, long Count, decimal Charged)[] kinds)
    {
        var runId = await CreateRunAsync(date);
        await SpikeRuns.CompleteRunAsync(runId, Summary(kinds), Ct);
        return runId;
    }

    private Task<IReadOnlyList<(string Type, string Payload)>> EventsAsync(string type) =>
        Database.QueryAsync<(string, string)>("SELECT event_type, payload::text FROM event_outbox WHERE event_type = @type ORDER BY event_id", new { type });

    [Fact]
    public async Task CompleteRunAsync_WritesRunCompleted_WithTheRunsFigures()
    {
        var runId = await CreateRunAsync();

        await Runs.CompleteRunAsync(runId, Summary(("charged_not_delivered", 3, 1944m)), Ct);

        var payload = JsonDocument.Parse((await EventsAsync("run.completed")).Single().Payload).RootElement;
        payload.GetProperty("runId").GetInt64().Should().Be(runId);
        payload.GetProperty("businessDate").GetString().Should().Be("2026-11-18");
        payload.GetProperty("status").GetString().Should().Be("completed");
        payload.GetProperty("requestedBy").GetString().Should().Be("ops.zhang");
        payload.GetProperty("findings").GetProperty("total").GetInt32().Should().Be(3);
    }

    [Fact]
    public async Task TryFailRunAsync_WritesRunFailedOnce_WhenTheRunWasRunning()
    {
        var runId = await CreateRunAsync();

        await Runs.TryFailRunAsync(runId, "inbox /srv/inbox is not readable");
        await Runs.TryFailRunAsync(runId, "second failure report");

        var payload = JsonDocument.Parse((await EventsAsync("run.failed")).Single().Payload).RootElement;
        payload.GetProperty("runId").GetInt64().Should().Be(runId);
        payload.GetProperty("error").GetString().Should().Be("inbox /srv/inbox is not readable");
        (await EventsAsync("run.completed")).Should().BeEmpty();
    }

    [Fact]
    public async Task CompleteRunAsync_WritesBreaksSpike_WhenAKindsCountIsFarAboveItsTrailingAverage()
    {
        await CompletedRunAsync(Day.AddDays(-3), ("charged_not_delivered", 4, 400m), ("amount_mismatch", 12, 100m));
        await CompletedRunAsync(Day.AddDays(-2), ("charged_not_delivered", 6, 600m), ("amount_mismatch", 12, 100m));
        await CompletedRunAsync(Day.AddDays(-1), ("charged_not_delivered", 5, 500m), ("amount_mismatch", 12, 100m));

        var today = await CompletedRunAsync(Day, ("charged_not_delivered", 40, 4000m), ("amount_mismatch", 13, 110m), ("pending", 9, 9000m));

        var spike = JsonDocument.Parse((await EventsAsync("breaks.spike")).Single().Payload).RootElement;
        spike.GetProperty("runId").GetInt64().Should().Be(today);
        spike.GetProperty("kind").GetString().Should().Be("charged_not_delivered");
        spike.GetProperty("count").GetInt64().Should().Be(40);
        spike.GetProperty("averageCount").GetDecimal().Should().Be(5m);
        spike.GetProperty("trailingRuns").GetInt32().Should().Be(3);
        var amount = spike.GetProperty("amounts").EnumerateArray().Single();
        (amount.GetProperty("currency").GetString(), amount.GetProperty("amount").GetDecimal(), amount.GetProperty("averageAmount").GetDecimal())
            .Should().Be(("CNY", 4000m, 500m));
    }

    [Fact]
    public async Task CompleteRunAsync_WritesBreaksSpike_WhenOnlyTheAmountIsFarAboveItsAverage()
    {
        await CompletedRunAsync(Day.AddDays(-1), ("duplicate_charge", 20, 1000m));

        await CompletedRunAsync(Day, ("duplicate_charge", 21, 5000m));

        JsonDocument.Parse((await EventsAsync("breaks.spike")).Single().Payload).RootElement.GetProperty("kind").GetString()
            .Should().Be("duplicate_charge");
    }

    [Fact]
    public async Task CompleteRunAsync_WritesNoSpike_WhenThereIsNoEarlierRunOrTheRerunAlreadyAnnouncedIt()
    {
        await CompletedRunAsync(Day.AddDays(-5), ("charged_not_delivered", 500, 1m));
        (await EventsAsync("breaks.spike")).Should().BeEmpty("the first day has nothing to compare with");

        await CompletedRunAsync(Day, ("charged_not_delivered", 0, 0m));
        await CompletedRunAsync(Day.AddDays(1), ("charged_not_delivered", 50, 50m));
        await CompletedRunAsync(Day.AddDays(1), ("charged_not_delivered", 60, 60m));

        var spikes = await EventsAsync("breaks.spike");
        spikes.Should().ContainSingle("a rerun of the date does not announce the same spike again");
        JsonDocument.Parse(spikes[0].Payload).RootElement.GetProperty("businessDate").GetString()
            .Should().Be(Day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }
}
