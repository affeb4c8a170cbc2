using System.Text;

namespace Reconciler.Formats;

/// <summary>The encodings the inputs come in; GBK needs the code-pages provider registered once.</summary>
public static class TextEncodings
{
    static TextEncodings()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Gbk = Encoding.GetEncoding(936);
    }

    /// <summary>UTF-8 that emits no BOM and replaces invalid bytes (a reader checks for U+FFFD where it matters).</summary>
    public static Encoding Utf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>GBK, code page 936: Alipay's and UnionPay's files, and Alipay's zip entry names.</summary>
    public static Encoding Gbk { get; }

    public static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];
}
