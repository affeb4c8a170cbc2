using Reconciler.Core.Evidence;
using Reconciler.Core.Matching;
using Reconciler.Storage.Incidents;
using Reconciler.Storage.Reconciliation;
using Reconciler.Storage.Tests.Support;
using static Reconciler.Storage.Tests.Support.Evidence;

namespace Reconciler.Storage.Tests.Incidents;

public sealed class IncidentStoreTests : DatabaseTest
{
    private static readonly IncidentRule TwoMake = new() { MinFindings = 2 };

    private IncidentStore Store => new(Database.DataSource);

    private async Task<long> RunWithAsync(params Finding[] findings)
    {
        var runId = await CreateRunAsync();
        await using var writer = await new ReconciliationStore(Database.DataSource).BeginFindingsAsync(runId, WindowFor(Day), Ct);
        foreach (var finding in findings)
        {
            writer.Add(finding, Day);
        }

        await writer.CommitAsync(Ct);
        return runId;
    }

    /// <summary>A run importing KM1, KM2 and KM3 of the day, paid by WeChat and marked failed by the platform, and <paramref name="more"/>.</summary>
    private async Task<long> ImportThreeFailedOrdersAsync(params OrderRecord[] more)
    {
        var importRun = await CreateRunAsync();
        await ImportOrdersAsync(importRun, "orders_20261118.csv",
        [
            Order("KM1", Beijing(11, 18, 9, 0), status: "failed"),
            Order("KM2", Beijing(11, 18, 9, 40), status: "failed"),
            Order("KM3", Beijing(11, 18, 10, 0), status: "failed"),
            .. more,
        ]);
        return importRun;
    }

    [Fact]
    public async Task ComputeAsync_GroupsLostCallbacksPerProvider_WhenPaidOrdersMarkedFailedNeverReachedAVendor()
    {
        var importRun = await ImportThreeFailedOrdersAsync();
        // KM3 failed at the vendor: its failed order is explained by the failed delivery, not by a lost callback.
        await ImportDeliveriesAsync(importRun, "fulu_20261118.csv", Delivery("fulu", "V3", "KM3", DeliveryStatus.Failed, finishedAt: Beijing(11, 18, 10, 1)));
        var runId = await RunWithAsync(Findings.ChargedNotDelivered("KM1"), Findings.ChargedNotDelivered("KM2"), Findings.ChargedNotDelivered("KM3"));

        var incidents = await Store.ComputeAsync(runId, WindowFor(Day), TimeSpan.FromHours(24), [], TwoMake, Ct);

        var incident = incidents.Should().ContainSingle().Subject;
        incident.Kind.Should().Be(IncidentKinds.CallbackFailure);
        incident.Provider.Should().Be("wechat");
        incident.Findings.Should().Be(2);
        incident.Amount.Should().Be(1296.00m);
        incident.Currency.Should().Be("CNY");
        incident.From.Should().Be(Beijing(11, 18, 9, 0));
        incident.To.Should().Be(Beijing(11, 18, 9, 40));
        (await Store.FindingsAsync(runId, incident.IncidentNo, Ct)).Select(f => f.OrderNo).Should().Equal("KM1", "KM2");
    }

    /// <summary>
    /// The findings' orders come from the date's watch list (kept by the full look with each order's status and
    /// vendors, migration 0022) only while the list was made from the files imported now, and only for rows that keep a
    /// status; otherwise from platform_order. A row changed behind the stamp's back shows which one was read.
    /// </summary>
    [Fact]
    public async Task ComputeAsync_ReadsTheOrdersFromTheWatchList_OnlyWhileItWasMadeFromTheFilesImportedNow()
    {
        var importRun = await ImportThreeFailedOrdersAsync(Order("KM4", Beijing(11, 18, 10, 30)));
        await ImportDeliveriesAsync(importRun, "fulu_20261118.csv", Delivery("fulu", "V3", "KM3", DeliveryStatus.Failed, finishedAt: Beijing(11, 18, 10, 1)));
        // A full look that watches every order (none is called clean).
        using var tally = new EvidenceTally();
        var watch = new EvidenceWatch(importRun, _ => false, "test");
        await foreach (var _ in new ReconciliationStore(Database.DataSource).ReadOrderEvidenceAsync(WindowFor(Day), new HashSet<string>(), Ct, tally, watch))
        {
        }

        (await Database.ScalarAsync<long>("SELECT count(*) FROM evidence_watch WHERE order_status IS NOT NULL")).Should().Be(4);
        var runId = await RunWithAsync(
            Findings.ChargedNotDelivered("KM1"), Findings.ChargedNotDelivered("KM2"), Findings.ChargedNotDelivered("KM3"), Findings.ChargedNotDelivered("KM4"));
        async Task<int> LostCallbacksAsync() =>
            (await Store.ComputeAsync(runId, WindowFor(Day), TimeSpan.FromHours(24), [], TwoMake, Ct))
            .Where(i => i.Kind == IncidentKinds.CallbackFailure).Sum(i => i.Findings);

        var fromTheList = await LostCallbacksAsync();
        // KM4 "failed" and KM3 with no delivery row, behind the stamp's back: read from the list, they count.
        await Database.ExecuteAsync("UPDATE evidence_watch SET order_status = 'failed' WHERE order_no = 'KM4'");
        await Database.ExecuteAsync("UPDATE evidence_watch SET vendor = NULL WHERE order_no = 'KM3'");
        var changedList = await LostCallbacksAsync();
        // A row kept before migration 0022 (no status) is not read: KM4 comes from platform_order again.
        await Database.ExecuteAsync("UPDATE evidence_watch SET order_status = NULL WHERE order_no = 'KM4'");
        var oldRow = await LostCallbacksAsync();
        // A file imported since the list was made: every order from platform_order.
        await ImportDeliveriesAsync(importRun, "fulu_20261118_2.csv", Delivery("fulu", "V9", "KM9", DeliveryStatus.Success, finishedAt: Beijing(11, 18, 11, 0)));
        var newFile = await LostCallbacksAsync();

        fromTheList.Should().Be(2, "KM1 and KM2 are failed orders no vendor was asked to deliver");
        changedList.Should().Be(4);
        oldRow.Should().Be(3);
        newFile.Should().Be(2);
    }

    /// <summary>
    /// A run whose findings (in every column the grouping reads), files and settings are a completed run's of the date
    /// copies that run's incidents instead of grouping again; a finding more, another as-of, a file imported since, or
    /// a run not completed, and it groups them itself.
    /// </summary>
    [Fact]
    public async Task CompleteAsync_CopiesTheIncidentsOfACompletedRunGroupedFromTheSame_AndOnlyThen()
    {
        var importRun = await ImportThreeFailedOrdersAsync();
        var window = WindowFor(Day);
        Finding[] two = [Findings.ChargedNotDelivered("KM1"), Findings.ChargedNotDelivered("KM2")];
        async Task<(long Run, long? CopiedFrom, IReadOnlyList<Incident> Incidents)> GroupAsync(Finding[] findings, ReconciliationWindow at)
        {
            var runId = await RunWithAsync(findings);
            await using var grouping = await Store.PrepareAsync(runId, at, TimeSpan.FromHours(24), [], TwoMake, Ct);
            var incidents = await grouping.CompleteAsync(Ct);
            return (runId, grouping.CopiedFrom, incidents);
        }

        var first = await GroupAsync(two, window);
        // No completed run of the date to compare with: the findings' digest is not taken.
        var digestOfTheFirst = await Database.ScalarAsync<string?>($"SELECT findings_digest FROM incident_grouping WHERE run_id = {first.Run}");
        var notCompleted = await GroupAsync(two, window);
        await Database.ExecuteAsync($"UPDATE run SET status = 'completed' WHERE run_id = {first.Run}");
        var same = await GroupAsync(two, window);
        var oneMore = await GroupAsync([.. two, Findings.ChargedNotDelivered("KM3")], window);
        var otherAsOf = await GroupAsync(two, window with { AsOf = window.AsOf.AddMinutes(1) });
        await ImportDeliveriesAsync(importRun, "fulu_20261118.csv", Delivery("fulu", "V9", "KM9", DeliveryStatus.Success, finishedAt: Beijing(11, 18, 11, 0)));
        var newFile = await GroupAsync(two, window);

        first.CopiedFrom.Should().BeNull();
        first.Incidents.Should().ContainSingle().Which.Findings.Should().Be(2);
        digestOfTheFirst.Should().BeNull();
        (await Database.ScalarAsync<long>(
            $"SELECT count(DISTINCT findings_digest) FROM incident_grouping WHERE run_id IN ({first.Run}, {same.Run}) AND findings_digest IS NOT NULL"))
            .Should().Be(1, "the copying run took both digests, and they are equal");
        notCompleted.CopiedFrom.Should().BeNull("the first run is not completed yet");
        same.CopiedFrom.Should().Be(first.Run);
        same.Incidents.Should().BeEquivalentTo(first.Incidents, o => o.Excluding(i => i.RunId));
        same.Incidents.Should().OnlyContain(i => i.RunId == same.Run);
        (await Store.FindingsAsync(same.Run, 1, Ct)).Should().BeEquivalentTo(await Store.FindingsAsync(first.Run, 1, Ct));
        oneMore.CopiedFrom.Should().BeNull();
        oneMore.Incidents.Should().ContainSingle().Which.Findings.Should().Be(3);
        otherAsOf.CopiedFrom.Should().BeNull();
        newFile.CopiedFrom.Should().BeNull();
        newFile.Incidents.Should().BeEquivalentTo(first.Incidents, o => o.Excluding(i => i.RunId));
    }

    [Fact]
    public async Task ComputeAsync_RaisesAMissingSettlementWithItsWaitingFindings_AndAnnouncesItOnce()
    {
        var importRun = await CreateRunAsync();
        await ImportOrdersAsync(importRun, "orders_20261118.csv",
            Order("KM1", Beijing(11, 18, 9, 0), payChannel: "alipay"), Order("KM2", Beijing(11, 18, 9, 5)));
        var runId = await RunWithAsync(Findings.Pending("KM1"), Findings.Pending("KM2"));
        var missing = new[] { new MissingSettlement("alipay", Day, "no file arrived") };

        var incidents = await Store.ComputeAsync(runId, WindowFor(Day), TimeSpan.FromHours(24), missing, TwoMake, Ct);
        await Store.ComputeAsync(runId, WindowFor(Day), TimeSpan.FromHours(24), missing, TwoMake, Ct);

        var incident = incidents.Should().ContainSingle().Subject;
        incident.Kind.Should().Be(IncidentKinds.SettlementMissing);
        incident.Provider.Should().Be("alipay");
        incident.Findings.Should().Be(1, "only KM1 is paid through alipay; a missing file is an incident below the minimum too");
        incident.From.Should().Be(WindowFor(Day).DayStart);
        (await Database.ScalarAsync<long>("SELECT count(*) FROM event_outbox WHERE event_type = 'incident.opened'")).Should().Be(1);
        (await Store.ListByRunAsync(runId, Ct)).Should().ContainSingle("computing again replaces the run's incidents");
    }

    [Fact]
    public async Task ComputeAsync_GroupsDeliveriesHeldInFlightPastTheHoldLimit_AndNothingBelowTheMinimum()
    {
        var importRun = await CreateRunAsync();
        await ImportOrdersAsync(importRun, "orders_20261118.csv",
            Order("KM1", Beijing(11, 18, 1, 0)), Order("KM2", Beijing(11, 18, 2, 0)), Order("KM3", Beijing(11, 18, 23, 0)));
        await ImportDeliveriesAsync(importRun, "carrier_20261118.csv",
            Delivery("cmcc-agent", "V1", "KM1", DeliveryStatus.Processing),
            Delivery("cmcc-agent", "V2", "KM2", DeliveryStatus.Processing),
            Delivery("cmcc-agent", "V3", "KM3", DeliveryStatus.Processing));
        var runId = await RunWithAsync(Findings.ChargedNotDelivered("KM1"), Findings.ChargedNotDelivered("KM2"), Findings.Pending("KM3"));
        var window = WindowFor(Day) with { AsOf = Beijing(11, 19, 2, 30) };

        var held = await Store.ComputeAsync(runId, window, TimeSpan.FromHours(24), [], TwoMake, Ct);
        var tooFew = await Store.ComputeAsync(runId, window, TimeSpan.FromHours(24), [], new IncidentRule { MinFindings = 3 }, Ct);
        // The vendor orders in flight are kept with the date's attempts: read back while no file is imported (emptied
        // behind the stamp's back, the hold is no longer seen).
        var kept = await Store.ComputeAsync(runId, window, TimeSpan.FromHours(24), [], TwoMake, Ct);
        await Database.ExecuteAsync("DELETE FROM incident_in_flight_cache");
        var emptied = await Store.ComputeAsync(runId, window, TimeSpan.FromHours(24), [], TwoMake, Ct);

        var incident = held.Should().ContainSingle().Subject;
        incident.Kind.Should().Be(IncidentKinds.RiskHold);
        incident.Vendor.Should().Be("cmcc-agent");
        incident.Findings.Should().Be(2, "KM3 has waited less than the hold limit");
        tooFew.Should().BeEmpty();
        kept.Should().ContainSingle().Which.Should().BeEquivalentTo(incident, o => o.Excluding(i => i.IncidentNo));
        emptied.Should().BeEmpty();
    }

    [Fact]
    public async Task ComputeAsync_HoldsOnlyVendorOrdersEveryEventOfWhichIsInFlight()
    {
        // KM1's vendor order V1 went on from processing to success: not in flight. KM2 has two vendor orders, one done and
        // one still processing (held, under the in-flight one's vendor).
        var importRun = await CreateRunAsync();
        await ImportOrdersAsync(importRun, "orders_20261118.csv", Order("KM1", Beijing(11, 18, 1, 0)), Order("KM2", Beijing(11, 18, 2, 0)),
            Order("KM3", Beijing(11, 18, 3, 0)));
        await ImportDeliveriesAsync(importRun, "carrier_20261118.csv",
            Delivery("cmcc-agent", "V1", "KM1", DeliveryStatus.Processing),
            Delivery("cmcc-agent", "V1", "KM1", DeliveryStatus.Success, finishedAt: Beijing(11, 18, 1, 5)),
            Delivery("cmcc-agent", "V2", "KM2", DeliveryStatus.Success, finishedAt: Beijing(11, 18, 2, 5)),
            Delivery("unicom-agent", "V3", "KM2", DeliveryStatus.Processing),
            Delivery("unicom-agent", "V4", "KM3", DeliveryStatus.Processing));
        var runId = await RunWithAsync(
            Findings.ChargedNotDelivered("KM1"), Findings.ChargedNotDelivered("KM2"), Findings.ChargedNotDelivered("KM3"));
        var window = WindowFor(Day) with { AsOf = Beijing(11, 19, 5, 0) };

        var held = await Store.ComputeAsync(runId, window, TimeSpan.FromHours(24), [], TwoMake, Ct);

        var incident = held.Should().ContainSingle().Subject;
        incident.Kind.Should().Be(IncidentKinds.RiskHold);
        incident.Vendor.Should().Be("unicom-agent");
        incident.Findings.Should().Be(2, "KM1's vendor order finished; KM2's and KM3's are still in flight");
    }

    [Fact]
    public async Task ComputeAsync_ReadsTheKeptAttempts_UntilAFileIsImportedForAnyDate()
    {
        var importRun = await CreateRunAsync();
        await ImportOrdersAsync(importRun, "orders_20261118.csv",
            Order("KM1", Beijing(11, 18, 9, 0)), Order("KM2", Beijing(11, 18, 9, 1)), Order("KM3", Beijing(11, 18, 9, 2)),
            Order("KM4", Beijing(11, 18, 12, 0)));
        await ImportDeliveriesAsync(importRun, "fulu_20261118.csv",
            Delivery("fulu", "V1", "KM1", DeliveryStatus.Failed, finishedAt: Beijing(11, 18, 9, 0, 30)),
            Delivery("fulu", "V2", "KM2", DeliveryStatus.Failed, finishedAt: Beijing(11, 18, 9, 1, 30)),
            Delivery("fulu", "V3", "KM3", DeliveryStatus.Failed, finishedAt: Beijing(11, 18, 9, 2, 30)),
            Delivery("fulu", "V4", "KM4", DeliveryStatus.Success, finishedAt: Beijing(11, 18, 12, 0, 30)));
        var runId = await RunWithAsync(Findings.ChargedNotDelivered("KM1"), Findings.ChargedNotDelivered("KM2"), Findings.ChargedNotDelivered("KM3"));

        var read = await Store.ComputeAsync(runId, WindowFor(Day), TimeSpan.FromHours(24), [], TwoMake, Ct);
        (await Database.ScalarAsync<long>("SELECT count(*) FROM incident_failure_cache")).Should().Be(3, "the three failed attempts are kept");
        // Emptied behind the stamp's back: a run that reads the kept attempts no longer sees the outage.
        await Database.ExecuteAsync("DELETE FROM incident_failure_cache");
        var kept = await Store.ComputeAsync(runId, WindowFor(Day), TimeSpan.FromHours(24), [], TwoMake, Ct);
        await ImportDeliveriesAsync(importRun, "carrier_20261118.csv", Delivery("cmcc-agent", "V9", "KM4", DeliveryStatus.Success));
        var readAgain = await Store.ComputeAsync(runId, WindowFor(Day), TimeSpan.FromHours(24), [], TwoMake, Ct);

        var down = read.Should().ContainSingle().Subject;
        down.Kind.Should().Be(IncidentKinds.VendorDown);
        down.Vendor.Should().Be("fulu");
        down.Findings.Should().Be(3);
        kept.Should().BeEmpty("no file was imported since the attempts were kept: they are read back, not from the evidence");
        readAgain.Should().ContainSingle("a new file changes the stamp, so the evidence is read again")
            .Which.Should().BeEquivalentTo(down, o => o.Excluding(i => i.IncidentNo));
    }
}
