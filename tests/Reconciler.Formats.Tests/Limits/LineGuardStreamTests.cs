using System.Text;
using Reconciler.Formats.Limits;
using Reconciler.Formats.Vendors;
using Reconciler.Formats.Tests.Support;

namespace Reconciler.Formats.Tests.Limits;

public sealed class LineGuardStreamTests
{
    private const string Header = "vendor,vendor_order_id,order_no,target_account,sku,quantity,face_value,cost,status,voucher,finished_at";

    private static string Row(string orderNo) => $"carrier,V-{orderNo},{orderNo},13800000000,CM-50,1,50,49,success,,2026-11-20T10:00:00+08:00";

    private static ReadContext Context(int maxLineBytes = 1024) =>
        new("vendor.csv", new FormatOptions()) { Limits = new InputLimits { MaxLineBytes = maxLineBytes, QuarantinedTextChars = 100 } };

    private static List<ParsedRow> Read(string text, ReadContext context)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return [.. GuardedRead.Read(new VendorCsvReader(), stream, context)];
    }

    [Fact]
    public void Read_QuarantinesTheLongLineWithItsFirstBytes_AndImportsTheLinesAroundIt()
    {
        var text = Header + "\n" + Row("A1") + "\n" + Row(new string('X', 50_000)) + "\r\n" + Row("A3") + "\n";

        var rows = Read(text, Context());

        rows.OfType<DeliveryRow>().Select(r => (r.LineNumber, r.Delivery.OrderNo)).Should().Equal((2L, "A1"), (4L, "A3"));
        var bad = rows.OfType<QuarantinedRow>().Should().ContainSingle().Subject;
        bad.LineNumber.Should().Be(3);
        bad.Reason.Should().Contain("vendor.csv line 3").And.Contain("Reconciler:Limits:MaxLineBytes = 1024");
        bad.RawText.Should().StartWith("carrier,V-XXX").And.Contain("bytes in all]");
        bad.RawText.Length.Should().BeLessThan(200);
    }

    [Fact]
    public void Read_QuarantinesALineHoldingNul_WhateverItsLength()
    {
        var text = Header + "\n" + Row("A\0B") + "\n" + Row("A3") + "\n";

        var rows = Read(text, Context());

        rows.OfType<DeliveryRow>().Should().ContainSingle().Which.Delivery.OrderNo.Should().Be("A3");
        var bad = rows.OfType<QuarantinedRow>().Should().ContainSingle().Subject;
        bad.LineNumber.Should().Be(2);
        bad.Reason.Should().Contain("NUL");
        bad.RawText.Should().Contain("A\uFFFDB").And.NotContain("\0");
    }

    [Fact]
    public void Read_KeepsEveryByte_WhenNoLineIsLong()
    {
        var text = Header + "\r\n" + Row("A1") + "\n" + Row("A2");
        using var guard = new LineGuardStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), 1024, 100);
        using var copy = new MemoryStream();

        guard.CopyTo(copy, 7);

        Encoding.UTF8.GetString(copy.ToArray()).Should().Be(text);
        guard.TakeFound().Should().BeEmpty();
    }

    [Fact]
    public void Read_RejectsTheFile_WhenAQuotedRecordOutgrowsTheLimit()
    {
        // An unclosed quote swallows every later line into one record: bounded, and the file is refused by name.
        var text = Header + "\n" + "carrier,\"V-1," + string.Concat(Enumerable.Repeat(Row("A") + "\n", 200));

        var act = () => Read(text, Context(maxLineBytes: 4096));

        act.Should().Throw<FileRejectedException>().WithMessage("vendor.csv: a CSV record cannot be read*MaxLineBytes*");
    }
}
