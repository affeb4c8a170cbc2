using Reconciler.Core.Evidence;
using Reconciler.Jobs.Importing;
using Reconciler.Jobs.Running;
using Reconciler.Testing;

namespace Reconciler.Jobs.Tests.Running;

/// <summary>The lanes an inbox imports in: largest first, orders files together, every entry once.</summary>
public sealed class ImportLanesTests : IAsyncLifetime
{
    private RunHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await RunHarness.CreateAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public void ImportLanes_StartTheLargestFirst_AndKeepTheOrdersFilesInOneLane()
    {
        // The sample day's files in plan order (by path: platform, vendors, wechat) are not in size order; a second,
        // header-only orders export makes an orders lane of two entries.
        var inbox = _harness.CopySampleInbox("2026-11-20");
        File.WriteAllText(Path.Combine(inbox, "platform", "orders_20261120_late.csv"),
            File.ReadLines(Path.Combine(inbox, "platform", "orders_20261120.csv")).First() + "\n");
        var plan = _harness.Get<InboxImporter>().Plan(inbox, forcedFormat: null);

        var lanes = ReconciliationRunner.ImportLanes(plan.Entries);

        foreach (var entry in plan.Entries.Where(e => !e.Entry.SourceName.Contains('!', StringComparison.Ordinal)))
        {
            entry.Bytes.Should().Be(new FileInfo(Path.Combine(inbox, entry.Entry.SourceName)).Length, entry.Entry.SourceName);
        }

        lanes.SelectMany(l => l).Should().BeEquivalentTo(Enumerable.Range(0, plan.Entries.Count), "every entry imports once");
        var weights = lanes.Select(l => l.Sum(i => plan.Entries[i].Bytes)).ToList();
        weights.Should().BeInDescendingOrder();
        lanes.Where(l => l.Any(i => plan.Entries[i].Entry.Reader.Kind == EvidenceKind.Orders)).Should().ContainSingle()
            .Which.Select(i => plan.Entries[i].Entry.SourceName).Should().Equal("platform/orders_20261120.csv", "platform/orders_20261120_late.csv");
        plan.Entries[0].Entry.SourceName.Should().StartWith("platform/", "plan order would start the orders lane first");
        plan.Entries[lanes[0][0]].Entry.SourceName.Should().Be("wechat/wechat_bill_ALL_20261120.csv", "the largest file, last in plan order");
    }
}
