namespace Reconciler.Formats.Providers;

/// <summary>The byte layout of a UnionPay 全渠道 ZM line: fields of fixed GBK byte widths, one space between them.</summary>
internal static class UnionPayZmLayout
{
    public const int Code = 0;
    public const int TransmissionTime = 4;
    public const int Amount = 6;
    public const int QueryId = 9;
    public const int OrderNo = 11;
    public const int MerchantFee = 15;
    public const int SettleAmount = 16;
    public const int OriginalQueryId = 26;
    public const int MerchantId = 27;

    public static readonly IReadOnlyList<(string Name, int Width)> Fields =
    [
        ("交易代码", 3), ("代理机构标识码", 11), ("发送机构标识码", 11), ("系统跟踪号", 6), ("交易传输时间", 10),
        ("账号", 19), ("交易金额", 12), ("商户类别", 4), ("终端类型", 2), ("查询流水号", 21), ("支付方式(旧)", 2),
        ("商户订单号", 32), ("支付卡类型", 2), ("原始交易的系统跟踪号", 6), ("原始交易日期时间", 10), ("商户手续费", 13),
        ("结算金额", 13), ("支付方式", 4), ("集团商户代码", 15), ("交易类型", 2), ("交易子类", 2), ("业务类型", 6),
        ("账号类型", 2), ("账单类型", 4), ("账单号码", 32), ("交互方式", 1), ("原交易查询流水号", 21), ("商户代码", 15),
    ];

    /// <summary>The byte offset each field starts at.</summary>
    public static readonly IReadOnlyList<int> Offsets = ComputeOffsets();

    /// <summary>The bytes a line needs to hold every field up to 商户代码; reserved space after it may have any length.</summary>
    public static int MinimumLength => Offsets[^1] + Fields[^1].Width;

    public static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> line, int field) => line.Slice(Offsets[field], Fields[field].Width);

    /// <summary>The first field whose following separator is not a single space, among the fields up to <paramref name="lastField"/>.</summary>
    public static int? MisalignedField(ReadOnlySpan<byte> line, int lastField)
    {
        for (var field = 0; field < lastField && field < Fields.Count - 1; field++)
        {
            var separator = Offsets[field] + Fields[field].Width;
            if (separator >= line.Length || line[separator] != (byte)' ')
            {
                return field;
            }
        }

        return null;
    }

    private static int[] ComputeOffsets()
    {
        var offsets = new int[Fields.Count];
        for (var i = 1; i < Fields.Count; i++)
        {
            offsets[i] = offsets[i - 1] + Fields[i - 1].Width + 1;
        }

        return offsets;
    }
}
