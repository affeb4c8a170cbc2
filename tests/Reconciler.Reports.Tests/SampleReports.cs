using Reconciler.Core.Matching;
using Reconciler.Reports.Model;

namespace Reconciler.Reports.Tests;

/// <summary>Reports built by hand: one finding of every kind, in two currencies, with every file status.</summary>
internal static class SampleReports
{
    public static readonly DateOnly Date = new(2026, 11, 21);

    public static Finding Finding(
        FindingKind kind,
        string? orderNo,
        decimal? charged = null,
        decimal? compensation = null,
        string currency = "CNY",
        string? txnId = null,
        string detail = "detail",
        CompensationAction action = CompensationAction.ManualReview,
        string? vendor = "fulu") =>
        new(
            FindingId: "id-" + (orderNo ?? txnId) + "-" + kind.ToName(),
            kind,
            orderNo,
            Provider: "wechat",
            ProviderTxnId: txnId ?? "42000" + orderNo,
            vendor,
            ExpectedAmount: charged,
            ChargedAmount: charged,
            DeliveredQuantity: 0,
            OrderedQuantity: 1,
            currency,
            action,
            compensation,
            detail);

    public static ReportedFinding Reported(Finding finding, string status = ReportStatus.New) => new(finding, status, Date);

    public static IReadOnlyList<ReportedFinding> OneOfEachKind() =>
    [
        Reported(Finding(FindingKind.DuplicateCharge, "A100", 1296.00m, 648.00m, action: CompensationAction.Refund)),
        Reported(Finding(FindingKind.ChargedNotDelivered, "A101", 30.00m, 30.00m, action: CompensationAction.Refund), ReportStatus.Open),
        Reported(Finding(FindingKind.PartiallyDelivered, "A102", 100.00m, 33.33m, action: CompensationAction.Redeliver)),
        Reported(Finding(FindingKind.DeliveredWrongAccount, "A103", 50.00m)),
        Reported(Finding(FindingKind.AmountMismatch, "A104", 49.90m)),
        Reported(Finding(FindingKind.DeliveredNotCharged, "A105", 0.00m)),
        Reported(Finding(FindingKind.OrphanCharge, null, 12.50m, currency: "USD", txnId: "ch_3PQ", vendor: null)),
        Reported(Finding(FindingKind.Pending, "A107", 10.00m, action: CompensationAction.None)),
        Reported(Finding(FindingKind.CompensatedButResolved, "A108", 20.00m, -12.50m)),
    ];

    public static RunReport Report(
        IReadOnlyList<ReportedFinding>? findings = null,
        IReadOnlyList<ReportedFinding>? resolved = null,
        IReadOnlyList<QuarantineEntry>? quarantined = null,
        long? quarantinedTotal = null)
    {
        quarantined ??= [new QuarantineEntry("wechat_20261121.csv", 17, "amount '12,5' is not a number", "`2026-11-21 10:00:00,`12,5")];
        return new RunReport(
            RunId: 42,
            Date,
            AsOf: new DateTimeOffset(2026, 11, 22, 2, 30, 0, TimeSpan.Zero),
            StartedAt: new DateTimeOffset(2026, 11, 22, 2, 30, 1, TimeSpan.Zero),
            FinishedAt: new DateTimeOffset(2026, 11, 22, 2, 30, 19, TimeSpan.Zero),
            TimeZone: "Asia/Shanghai",
            RequestedBy: "li.na",
            Reason: "late Alipay bill arrived",
            PreviousRunId: 41,
            Files:
            [
                new FileReport("wechat_20261121.csv", "wechat-bill", "wechat", FileStatus.Imported, 1000, 1, "1000 rows, 64,800.00 CNY: agrees", null, "aa11"),
                new FileReport("wechat_20261121 (1).csv", "wechat-bill", "wechat", FileStatus.Duplicate, 0, 0, null, "same bytes as wechat_20261121.csv", "aa11"),
                new FileReport("alipay_20261121.zip", "alipay-trade", "alipay", FileStatus.Rejected, 0, 0, "footer says 500 rows, file has 499", "control totals disagree", "bb22"),
                new FileReport("notes.txt", null, null, FileStatus.Unrecognised, 0, 0, null, "no reader recognises this content", "cc33"),
            ],
            MissingSettlements: [new MissingSettlement("alipay", Date, "rejected: control totals disagree"), new MissingSettlement("unionpay", Date, "no file arrived")],
            Orders: [new OrderTotals("CNY", 1500, 97200.00m), new OrderTotals("USD", 20, 250.00m)],
            Channels:
            [
                new ChannelTotals("wechat", "CNY", 1000, 64800.00m, 3, 90.00m, 0, 0m, 388.80m, 1001, 64810.00m),
                new ChannelTotals("stripe", "USD", 21, 262.50m, 0, 0m, 1, 12.50m, 7.61m, 20, 250.00m),
            ],
            Vendors: [new VendorTotals("fulu", 1490, 1495, 7, 2, 95000.10m)],
            Kinds:
            [
                new KindTotals("charged_not_delivered", 1, [new CurrencyAmount("CNY", 30.00m)], [new CurrencyAmount("CNY", 30.00m)]),
                new KindTotals("orphan_charge", 2, [new CurrencyAmount("CNY", 5.00m), new CurrencyAmount("USD", 12.50m)], []),
            ],
            CompensationTotal: [new CurrencyAmount("CNY", 711.33m), new CurrencyAmount("USD", 0.10m)],
            Findings: ReportedFindings.Of(findings ?? OneOfEachKind()),
            Resolved: ReportedFindings.Of(resolved ?? [Reported(Finding(FindingKind.ChargedNotDelivered, "A090", 18.00m, 18.00m), ReportStatus.Resolved)]),
            Quarantined: quarantined,
            QuarantinedTotal: quarantinedTotal ?? quarantined.Count);
    }

    public static string WriteToString(Action<RunReport, Stream> write, RunReport report)
    {
        using var stream = new MemoryStream();
        write(report, stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    public static byte[] WriteToBytes(Action<RunReport, Stream> write, RunReport report)
    {
        using var stream = new MemoryStream();
        write(report, stream);
        return stream.ToArray();
    }
}
