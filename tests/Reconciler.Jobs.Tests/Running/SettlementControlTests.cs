using Reconciler.Core.Matching;
using Reconciler.Formats.Detection;

namespace Reconciler.Jobs.Tests.Running;

public sealed class SettlementControlTests : IAsyncLifetime
{
    private const string Day = "2026-11-21";
    private const string UnionPayZip = "unionpay/777290058110048_20261121.zip";
    private const string AlipayZip = "alipay/20881234567890120156_20261121.csv.zip";
    private RunHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await RunHarness.CreateAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task RunAsync_HoldsUnpaidOrdersAsPendingAndNamesTheFile_WhenAnExpectedSettlementFileIsMissing()
    {
        var inbox = _harness.CopySampleInbox(Day, UnionPayZip);

        var result = await _harness.RunAsync(Day, inbox);

        result.Report.MissingSettlements.Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { Provider = "unionpay", Date = new DateOnly(2026, 11, 21), Reason = "no file arrived" });
        var unionpay = result.Report.Findings.Where(f => f.Finding.Provider == "unionpay").ToList();
        unionpay.Should().NotBeEmpty().And.OnlyContain(f => f.Finding.Kind == FindingKind.Pending);
        unionpay.Should().OnlyContain(f => f.Finding.Detail.Contains("settlement file missing", StringComparison.Ordinal));
        result.Report.Findings.Should().NotContain(f => f.Finding.Kind == FindingKind.DeliveredNotCharged && f.Finding.Provider == "unionpay");
        // The other channels are judged as usual.
        result.Report.Findings.Should().Contain(f => f.Finding.OrderNo == "KM202611210000094" && f.Finding.Kind == FindingKind.DeliveredNotCharged);
    }

    [Fact]
    public async Task RunAsync_RejectsTheTruncatedBillWholeAndSaysWhy_WhileTheGoodCopyCounts()
    {
        var result = await _harness.RunAsync(Day, _harness.CopySampleInbox(Day));

        var truncated = result.Report.Files.Single(f => f.Name == "alipay/20881234567890120156_20261121_业务明细.csv");
        truncated.Status.Should().Be("rejected");
        truncated.Detail.Should().Contain("truncated").And.Contain("rejected");
        truncated.Rows.Should().Be(0);
        result.Report.MissingSettlements.Should().BeEmpty();
        (await _harness.Database.ScalarAsync<long>(
            "SELECT count(*) FROM settlement_line s JOIN imported_file f USING (file_id) WHERE f.status = 'rejected'")).Should().Be(0);
    }

    [Fact]
    public async Task RunAsync_NamesTheRejectedFileAsTheReason_WhenTheOnlyBillOfAChannelIsTruncated()
    {
        var inbox = _harness.CopySampleInbox(Day, AlipayZip);

        var result = await _harness.RunAsync(Day, inbox);

        result.Report.MissingSettlements.Should().ContainSingle().Which.Reason.Should().StartWith("rejected: alipay/");
        result.Report.Findings.Where(f => f.Finding.Provider == "alipay" && f.Finding.OrderNo is not null)
            .Should().OnlyContain(f => f.Finding.Kind == FindingKind.Pending);
    }

    [Fact]
    public async Task RunAsync_StopsBeforeWritingAnything_WhenAFileOfUnknownFormatIsInTheInbox()
    {
        var inbox = _harness.CopySampleInbox("2026-11-20");
        await File.WriteAllTextAsync(Path.Combine(inbox, "platform", "notes.txt"), "Dear finance, the carrier log is late today.\n");

        var run = () => _harness.RunAsync("2026-11-20", inbox);

        (await run.Should().ThrowAsync<UnrecognisedFormatException>()).WithMessage("*notes.txt: format not recognised*tried*");
        (await _harness.Database.ScalarAsync<long>("SELECT count(*) FROM run")).Should().Be(0);
        (await _harness.Database.ScalarAsync<long>("SELECT count(*) FROM imported_file")).Should().Be(0);
    }

    [Fact]
    public async Task RunAsync_ReadsEveryFileAsTheFolderSays_WhenASubfolderIsNamedAfterAFormat()
    {
        var inbox = _harness.CopySampleInbox("2026-11-20");
        var forced = Directory.CreateDirectory(Path.Combine(inbox, "vendor-csv")).FullName;
        File.Move(Path.Combine(inbox, "vendors", "carrier_delivery_20261120.csv"), Path.Combine(forced, "carrier.txt"));

        var result = await _harness.RunAsync("2026-11-20", inbox);

        result.Report.Files.Single(f => f.Name == "vendor-csv/carrier.txt").Format.Should().Be("vendor-csv");
    }

    [Fact]
    public async Task RunAsync_NeverInterleavesTwoRunsOfTheSameDate()
    {
        var inbox = Path.Combine(Testing.RepoPaths.Sample("2026-11-20"), "inbox");

        await Task.WhenAll(_harness.RunAsync("2026-11-20", inbox), _harness.RunAsync("2026-11-20", inbox));

        var runs = await _harness.Database.QueryAsync<(DateTime Started, DateTime Finished)>(
            "SELECT started_at, finished_at FROM run ORDER BY started_at");
        runs.Should().HaveCount(2);
        runs[1].Started.Should().BeOnOrAfter(runs[0].Finished);
        (await _harness.Database.ScalarAsync<long>("SELECT count(*) FROM imported_file WHERE status = 'imported'")).Should().Be(4);
    }
}
