using Reconciler.Core.Evidence;
using Reconciler.Storage.Importing;
using Reconciler.Storage.Reconciliation;
using Reconciler.Storage.Tests.Support;
using static Reconciler.Storage.Tests.Support.Evidence;

namespace Reconciler.Storage.Tests.Reconciliation;

public sealed class MissingSettlementsTests : DatabaseTest
{
    private static readonly string[] Expected = ["alipay", "wechat"];

    private async Task<IReadOnlyList<MissingSettlement>> FindAsync(long runId) =>
        await new ReconciliationStore(Database.DataSource).FindMissingSettlementsAsync(runId, WindowFor(Day), Expected, Ct);

    /// <summary>Orders of the day paid through both expected channels: each has something to settle.</summary>
    private async Task<long> CreateRunWithOrdersAsync()
    {
        var runId = await CreateRunAsync();
        await ImportOrdersAsync(runId, "orders_20261118.csv",
            Order("KM202611180000013", Beijing(11, 18, 0, 18), payChannel: "wechat"),
            Order("KM202611180000019", Beijing(11, 18, 9, 0), payChannel: "alipay"));
        return runId;
    }

    private async Task RejectAsync(long runId, string sourceName, string provider, string status, string reason, DateOnly? period)
    {
        await using var import = await BeginAsync(Identity(sourceName, provider + "-bill", EvidenceKind.Settlement), runId);
        await import.RejectAsync(status, new FileFacts(provider, null, period, period), reason, Ct);
    }

    [Fact]
    public async Task FindMissingSettlementsAsync_ReportsNoFileArrived_WhenNoFileOfTheProviderWasImported()
    {
        var runId = await CreateRunWithOrdersAsync();

        var missing = await FindAsync(runId);

        missing.Should().Equal(
            new MissingSettlement("alipay", Day, "no file arrived"),
            new MissingSettlement("wechat", Day, "no file arrived"));
    }

    [Fact]
    public async Task FindMissingSettlementsAsync_CountsProviderPresent_WhenImportedFilesPeriodCoversTheDate()
    {
        var runId = await CreateRunWithOrdersAsync();
        await ImportSettlementAsync(runId, "wechat_bill_ALL_20261118.csv", "wechat", [], Day, Day);
        await ImportSettlementAsync(runId, "20881234567890120156_20261116-20261118.csv", "alipay", [], Day.AddDays(-2), Day);

        (await FindAsync(runId)).Should().BeEmpty();
    }

    [Fact]
    public async Task FindMissingSettlementsAsync_CountsProviderPresent_WhenFileWithoutPeriodHoldsLinesOfTheDate()
    {
        var runId = await CreateRunWithOrdersAsync();
        await ImportSettlementAsync(runId, "wechat_bill_ALL_export.csv", "wechat",
            [Payment("wechat", "4200002345202611181234567890", "KM202611180000013", 648.00m, Beijing(11, 18, 0, 0, 5))]);
        await ImportSettlementAsync(runId, "20881234567890120156_export.csv", "alipay",
            [Payment("alipay", "2026111722001412345678901234", "KM202611170000013", 648.00m, Beijing(11, 17, 23, 59, 59))]);

        var missing = await FindAsync(runId);

        missing.Should().Equal(new MissingSettlement("alipay", Day, "no file arrived"));
    }

    /// <summary>
    /// A file without a period is looked into only when its lines' span (kept at import, migration 0015) meets the date;
    /// one spanning the date with no line in it still does not count, and a file imported before the span was kept is
    /// looked into as before.
    /// </summary>
    [Fact]
    public async Task FindMissingSettlementsAsync_LooksIntoFilesWithoutPeriod_ByTheSpanOfTheirLines()
    {
        var runId = await CreateRunWithOrdersAsync();
        await ImportSettlementAsync(runId, "wechat_bill_ALL_export.csv", "wechat",
        [
            Payment("wechat", "4200002345202611171234567890", "KM202611170000013", 648.00m, Beijing(11, 17, 12, 0)),
            Payment("wechat", "4200002345202611191234567890", "KM202611190000013", 648.00m, Beijing(11, 19, 12, 0)),
        ]);
        await ImportSettlementAsync(runId, "20881234567890120156_export.csv", "alipay",
            [Payment("alipay", "2026111822001412345678901234", "KM202611180000019", 648.00m, Beijing(11, 18, 9, 1))]);
        var spans = (await Database.QueryAsync<(string Provider, DateTime? First, DateTime? Last)>(
            "SELECT provider, first_occurred_at, last_occurred_at FROM imported_file WHERE kind = 'settlement' ORDER BY provider")).ToList();
        spans.Should().Equal(
            ("alipay", Beijing(11, 18, 9, 1).UtcDateTime, Beijing(11, 18, 9, 1).UtcDateTime),
            ("wechat", Beijing(11, 17, 12, 0).UtcDateTime, Beijing(11, 19, 12, 0).UtcDateTime));

        (await FindAsync(runId)).Should().Equal(new MissingSettlement("wechat", Day, "no file arrived"));

        // As if imported before migration 0015: no span, so the file is looked into and its line of the date counts.
        await Database.ExecuteAsync("UPDATE imported_file SET first_occurred_at = NULL, last_occurred_at = NULL WHERE provider = 'alipay'");
        (await FindAsync(runId)).Should().Equal(new MissingSettlement("wechat", Day, "no file arrived"));
    }

    [Fact]
    public async Task FindMissingSettlementsAsync_IgnoresFileOfAnotherDate_WhenItsPeriodDoesNotCoverTheDate()
    {
        var runId = await CreateRunWithOrdersAsync();
        await ImportSettlementAsync(runId, "wechat_bill_ALL_20261117.csv", "wechat", [], Day.AddDays(-1), Day.AddDays(-1));

        (await FindAsync(runId)).Select(m => m.Provider).Should().Contain("wechat");
    }

    [Fact]
    public async Task FindMissingSettlementsAsync_ReportsRejectedWithReason_WhenOnlyARejectedFileArrived()
    {
        var runId = await CreateRunWithOrdersAsync();
        await ImportSettlementAsync(runId, "20881234567890120156_20261118.csv", "alipay", [], Day, Day);
        await RejectAsync(runId, "wechat_bill_ALL_20261118.csv", "wechat", FileImportOutcome.Rejected, "summary says 3 trades, rows hold 2", Day);

        var missing = await FindAsync(runId);

        missing.Should().ContainSingle();
        missing[0].Provider.Should().Be("wechat");
        missing[0].Reason.Should().StartWith("rejected:")
            .And.Contain("wechat_bill_ALL_20261118.csv").And.Contain("summary says 3 trades, rows hold 2");
    }

    [Fact]
    public async Task FindMissingSettlementsAsync_CountsProviderPresent_WhenItAnsweredNoBillForTheDate()
    {
        var runId = await CreateRunWithOrdersAsync();
        await ImportSettlementAsync(runId, "20881234567890120156_20261118.csv", "alipay", [], Day, Day);
        await RejectAsync(runId, "no_bill_20261118.csv", "wechat", FileImportOutcome.NoBill, "No Bill Exist", Day);

        (await FindAsync(runId)).Should().BeEmpty();
    }

    [Fact]
    public async Task FindMissingSettlementsAsync_NamesNothing_WhenTheProviderHadNoOrdersThatDay()
    {
        var runId = await CreateRunAsync();
        await ImportOrdersAsync(runId, "orders_20261118.csv", Order("KM202611180000013", Beijing(11, 18, 0, 18), payChannel: "wechat"));
        await ImportOrdersAsync(runId, "orders_20261117.csv", Order("KM202611170000099", Beijing(11, 17, 23, 0), payChannel: "alipay"));

        var missing = await FindAsync(runId);

        missing.Should().Equal(new MissingSettlement("wechat", Day, "no file arrived"));
    }
}
