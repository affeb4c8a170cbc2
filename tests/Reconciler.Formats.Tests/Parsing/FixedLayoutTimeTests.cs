using System.Globalization;
using System.Text.RegularExpressions;
using CsCheck;
using Reconciler.Formats.Parsing;

namespace Reconciler.Formats.Tests.Parsing;

/// <summary>
/// <see cref="FixedLayoutTime"/> stands in front of the exact parse of every time cell, so it must never answer what
/// the exact parse would not: on generated text — valid times, impossible dates and clocks, and the same text with a
/// character replaced, inserted or removed — it accepts exactly what the exact parse accepts in the fixed layouts, with
/// the same value (save the no-break space the exact parse also takes for a space, which it leaves to the exact parse),
/// and in the ISO offset layouts nothing the exact parse refuses and every canonically spelled time it accepts.
/// </summary>
public sealed partial class FixedLayoutTimeTests
{
    private static readonly string[] WallClockFormats =
        ["yyyy-MM-dd HH:mm:ss", "yyyy/MM/dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"];

    // Characters a damaged or foreign cell may hold where a digit or separator belongs.
    private static readonly char[] Noise =
        ['0', '1', '9', '-', '/', ' ', 'T', 't', ':', '.', ',', '+', 'Z', 'z', '\t', '\u00a0', '\u3000', 'a', '\u0661', '\uff11'];

    private static readonly Gen<int> Year = Gen.OneOf(Gen.Int[1990, 2100], Gen.Int[0, 9999], Gen.OneOf(Gen.Const(1), Gen.Const(9999)));

    // Fields a little past their ranges as often as inside them: month 13, 31 February, hour 24, minute 60.
    private static readonly Gen<string> DateAndClock =
        Gen.Select(Year, Gen.Int[0, 13], Gen.Int[0, 32], Gen.Int[0, 24], Gen.Int[0, 60], Gen.Int[0, 60])
            .Select(t => string.Create(
                CultureInfo.InvariantCulture, $"{t.Item1:0000}-{t.Item2:00}-{t.Item3:00} {t.Item4:00}:{t.Item5:00}:{t.Item6:00}"))
            .SelectMany(text => Gen.OneOf(Gen.Const(text), Gen.Const(Valid(text))));

    private static readonly Gen<string> WallClockText =
        Gen.Select(DateAndClock, Gen.Int[0, 3], Gen.Bool)
            .Select((text, layout, shortForm) =>
            {
                var shaped = layout switch
                {
                    1 => text.Replace('-', '/'),
                    2 => string.Concat(text.AsSpan(0, 10), "T", text.AsSpan(11)),
                    _ => text,
                };
                return shortForm ? shaped[..16] : shaped;
            })
            .SelectMany(Mutated);

    private static readonly Gen<string> Offset = Gen.OneOf(
        Gen.Const("Z"),
        Gen.Select(Gen.OneOf(Gen.Const('+'), Gen.Const('-')), Gen.Int[0, 15], Gen.Int[0, 60], Gen.Int[0, 3])
            .Select((sign, hours, minutes, spelling) => spelling switch
            {
                0 => string.Create(CultureInfo.InvariantCulture, $"{sign}{hours:00}{minutes:00}"),
                1 => string.Create(CultureInfo.InvariantCulture, $"{sign}{hours:00}"),
                _ => string.Create(CultureInfo.InvariantCulture, $"{sign}{hours:00}:{minutes:00}"),
            }));

    private static readonly Gen<string> IsoText =
        Gen.Select(DateAndClock, Gen.Bool, Gen.Int[0, 9], Gen.Long[0, 999_999_999], Offset)
            .Select((text, withT, digits, fraction, offset) =>
            {
                var clock = withT ? string.Concat(text.AsSpan(0, 10), "T", text.AsSpan(11)) : text;
                var decimals = digits == 0
                    ? string.Empty
                    : "." + fraction.ToString(CultureInfo.InvariantCulture).PadLeft(9, '0')[..digits];
                return clock + decimals + offset;
            })
            .SelectMany(Mutated);

    [Fact]
    public void TryWallClock_AcceptsWhatTheExactParseAccepts_WithTheSameValue_SaveNoBreakSpaces()
    {
        Gen.Select(WallClockText, Gen.Int[0, WallClockFormats.Length - 1]).Sample((text, f) =>
        {
            var format = WallClockFormats[f];
            var exact = DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var expected);
            var fast = FixedLayoutTime.TryWallClock(text, format, out var actual);
            // The exact parse also takes a no-break space for the space: that text goes to it, the fast path declines.
            var plain = !text.Contains('\u00a0', StringComparison.Ordinal);
            return (!fast || (exact && actual == expected && actual.Kind == expected.Kind)) && (!exact || fast || !plain);
        }, iter: 200_000, print: t => $"{string.Join(",", t.Item1.Select(c => (int)c))} {WallClockFormats[t.Item2]}");
    }

    [Fact]
    public void TryWallClock_LeavesOtherFormatsToTheExactParse()
    {
        FixedLayoutTime.TryWallClock("2026-11-18T10:15:00Z", "yyyy-MM-dd'T'HH:mm:ss'Z'", out _).Should().BeFalse();
        FixedLayoutTime.TryWallClock("20261118101500", "yyyyMMddHHmmss", out _).Should().BeFalse();
    }

    [Fact]
    public void TryIsoOffset_AcceptsNothingTheExactParseRefuses_AndEveryCanonicalTimeItAccepts()
    {
        IsoText.Sample(text =>
        {
            var fast = FixedLayoutTime.TryIsoOffset(text, out var actual);
            var exact = DateTimeOffset.TryParseExact(
                text, FieldParsing.OffsetFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expected);
            var canonical = Canonical().IsMatch(text);
            return (!fast || (exact && actual == expected.ToUniversalTime() && actual.Offset == TimeSpan.Zero)) &&
                   (!exact || fast || !canonical);
        }, iter: 200_000, print: t => string.Join(",", t.Select(c => (int)c)));
    }

    [Theory]
    [InlineData("2026-11-18T00:19:11+08:00", "2026-11-17T16:19:11.0000000+00:00")]
    [InlineData("2026-11-18 00:19:11.5-03:30", "2026-11-18T03:49:11.5000000+00:00")]
    [InlineData("2026-11-18T00:19:11.1234567Z", "2026-11-18T00:19:11.1234567+00:00")]
    public void TryIsoOffset_ReadsTheUsualSpellings(string text, string utc)
    {
        FixedLayoutTime.TryIsoOffset(text, out var instant).Should().BeTrue();
        instant.ToString("O", CultureInfo.InvariantCulture).Should().Be(utc);
    }

    // The generated fields shaped into a valid time half of the time, so that acceptance is tried as often as refusal.
    private static string Valid(string text)
    {
        var year = Math.Max(1, int.Parse(text.AsSpan(0, 4), CultureInfo.InvariantCulture));
        var month = Math.Clamp(int.Parse(text.AsSpan(5, 2), CultureInfo.InvariantCulture), 1, 12);
        var day = Math.Clamp(int.Parse(text.AsSpan(8, 2), CultureInfo.InvariantCulture), 1, DateTime.DaysInMonth(year, month));
        var hour = Math.Min(23, int.Parse(text.AsSpan(11, 2), CultureInfo.InvariantCulture));
        var minute = Math.Min(59, int.Parse(text.AsSpan(14, 2), CultureInfo.InvariantCulture));
        var second = Math.Min(59, int.Parse(text.AsSpan(17, 2), CultureInfo.InvariantCulture));
        return string.Create(CultureInfo.InvariantCulture, $"{year:0000}-{month:00}-{day:00} {hour:00}:{minute:00}:{second:00}");
    }

    // Unchanged half of the time; otherwise one character replaced, inserted or removed.
    private static Gen<string> Mutated(string text) =>
        Gen.Select(Gen.Int[0, 5], Gen.Int[0, text.Length - 1], Gen.Int[0, Noise.Length - 1]).Select((how, at, noise) => how switch
        {
            3 => string.Concat(text.AsSpan(0, at), Noise[noise].ToString(), text.AsSpan(at + 1)),
            4 => text.Insert(at, Noise[noise].ToString()),
            5 => text.Remove(at, 1),
            _ => text,
        });

    // The spelling the fast path is for; others (+0800, +08, a no-break space) are the exact parse's alone.
    [GeneratedRegex(@"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d{1,7})?(Z|[+-]\d\d:\d\d)$")]
    private static partial Regex Canonical();
}
