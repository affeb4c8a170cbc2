using Dapper;
using Reconciler.Storage.Reconciliation;
using Reconciler.Storage.Tests.Support;
using static Reconciler.Storage.Tests.Support.Evidence;

namespace Reconciler.Storage.Tests.Reconciliation;

/// <summary>
/// The provider and entry type pairs whose lines in a date's order-number range may hold copies of one provider line,
/// found from the settlement files (<see cref="EvidenceSql.SuspectPairsByFiles"/>, migration 0032): only the files one of
/// whose order-number prefixes can begin a number of the range count. An orphan payment's made-up number (another
/// prefix) in an earlier date's file does not make that file count for every later date.
/// </summary>
public sealed class SuspectPairsTests : DatabaseTest
{
    private const string Day1Low = "KM202611180000013";
    private const string Day1High = "KM202611180000014";
    private const string Day2Low = "KM202611190000001";
    private const string Day2High = "KM202611190000003";

    [Fact]
    public async Task AnEarlierDatesFile_WithAnOrphansNumberAboveTheRange_DoesNotCountForALaterDate()
    {
        var runId = await CreateRunAsync();
        await ImportSettlementAsync(runId, "wechat_bill_ALL_20261118.csv", "wechat",
        [
            Payment("wechat", "4200000001", Day1Low, 10.00m, Beijing(11, 18, 9, 30)),
            Payment("wechat", "4200000002", Day1High, 10.00m, Beijing(11, 18, 9, 31)),
            Payment("wechat", "4200000003", "KX20261118004938", 10.00m, Beijing(11, 18, 9, 32)),
        ]);
        await ImportSettlementAsync(runId, "wechat_bill_ALL_20261119.csv", "wechat",
        [
            Payment("wechat", "4200000004", Day2Low, 10.00m, Beijing(11, 19, 9, 30)),
            Payment("wechat", "4200000005", Day2High, 10.00m, Beijing(11, 19, 9, 31)),
        ]);

        (await SuspectAsync(Day2Low, Day2High)).Should().BeEmpty();
        (await SuspectAsync(Day1Low, Day1High)).Should().BeEmpty();
        // A range both dates' numbers can fall in counts both files.
        (await SuspectAsync(Day1Low, Day2High)).Should().Equal("wechat/payment");
    }

    [Fact]
    public async Task TwoFilesOfTheDate_OrAFileWithCopiesWithin_MakeTheirPairSuspect()
    {
        var runId = await GivenTwoWeChatFilesOfDay2Async();
        var copied = Payment("alipay", "2026111922001", Day2Low, 10.00m, Beijing(11, 19, 9, 30));
        await ImportSettlementAsync(runId, "alipay_20261119.csv", "alipay", [copied, copied]);

        (await SuspectAsync(Day2Low, Day2High)).Should().Equal("alipay/payment", "wechat/payment");
    }

    [Fact]
    public async Task AFileImportedBeforeThePrefixesWereKept_SendsTheReadBackToTheLines()
    {
        var runId = await GivenTwoWeChatFilesOfDay2Async();
        await Database.ExecuteAsync("UPDATE imported_file SET line_pairs = NULL, line_order_prefixes = NULL");

        // Nothing known from the files: the pairs come from the lines (here a stand-in for the date's lines read by range).
        (await SuspectAsync(Day2Low, Day2High)).Should().Equal("wechat/payment");
    }

    /// <summary>Two WeChat bills of the second date (a bill sent again), each with a payment of its own.</summary>
    private async Task<long> GivenTwoWeChatFilesOfDay2Async()
    {
        var runId = await CreateRunAsync();
        await ImportSettlementAsync(runId, "wechat_bill_ALL_20261119.csv", "wechat",
            [Payment("wechat", "4200000004", Day2Low, 10.00m, Beijing(11, 19, 9, 30))]);
        await ImportSettlementAsync(runId, "wechat_bill_ALL_20261119_again.csv", "wechat",
            [Payment("wechat", "4200000005", Day2High, 10.00m, Beijing(11, 19, 9, 31))]);
        return runId;
    }

    private async Task<List<string>> SuspectAsync(string low, string high)
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync(Ct);
        return (await connection.QueryAsync<string>(
            $"""
            WITH named AS (
                SELECT s.provider, s.entry_type, s.file_id FROM settlement_line s WHERE s.order_no BETWEEN @low AND @high
            )
            SELECT DISTINCT provider || '/' || entry_type FROM ({EvidenceSql.SuspectPairsByFiles}) suspect ORDER BY 1
            """, new { low, high })).ToList();
    }
}
