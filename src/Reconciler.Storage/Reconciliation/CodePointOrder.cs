namespace Reconciler.Storage.Reconciliation;

/// <summary>
/// Orders strings by Unicode code point, which is the order of their UTF-8 bytes: PostgreSQL's <c>COLLATE "C"</c>.
/// Ordinal comparison of .NET strings compares UTF-16 units, which puts a character above U+FFFF (a surrogate pair)
/// before U+E000..U+FFFF; the streams of the evidence merge are sorted by the server, so their order is the server's.
/// </summary>
internal sealed class CodePointOrder : IComparer<string>
{
    public static readonly CodePointOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            var a = x[i];
            var b = y[i];
            if (a != b)
            {
                return Fixup(a) - Fixup(b);
            }
        }

        return x.Length - y.Length;
    }

    // Surrogates (U+D800..U+DFFF) move above U+E000..U+FFFF, everything else keeps its place.
    private static int Fixup(char c) => c >= '\uE000' ? c - 0x800 : c >= '\uD800' ? c + 0x2000 : c;
}
