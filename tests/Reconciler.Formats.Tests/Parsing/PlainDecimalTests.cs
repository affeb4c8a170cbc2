using System.Globalization;
using System.Text.RegularExpressions;
using CsCheck;
using Reconciler.Formats.Parsing;

namespace Reconciler.Formats.Tests.Parsing;

/// <summary><see cref="PlainDecimal"/> against the full parse it stands in front of, on generated text.</summary>
public sealed partial class PlainDecimalTests
{
    private const NumberStyles Styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;

    // Text made of what money cells hold and what mangles them, and canonical amounts of every size and scale.
    private static readonly Gen<string> Mangled = Gen.String[Gen.Char["0123456789.-+ ,eE\u00a0"], 0, 24];

    private static readonly Gen<string> Canonical =
        Gen.Select(Gen.Bool, Gen.Long[0, 999_999_999_999_999_999], Gen.Int[0, 18], Gen.Int[0, 3])
            .Select((negative, mantissa, scale, pad) =>
            {
                var digits = mantissa.ToString(CultureInfo.InvariantCulture);
                var text = scale == 0 ? digits : digits.PadLeft(scale + 1, '0').Insert(Math.Max(digits.Length, scale + 1) - scale, ".");
                return (negative ? "-" : string.Empty) + new string('0', pad % 2) + text;
            });

    [GeneratedRegex(@"^-?(\d+\.?\d*|\.\d+)$")]
    private static partial Regex Plain();

    [Fact]
    public void TryParse_AcceptsNothingTheFullParseRefuses_AndGivesItsValueToTheBit()
    {
        Gen.OneOf(Mangled, Canonical).Sample(text =>
        {
            var fast = PlainDecimal.TryParse(text, out var actual);
            var full = decimal.TryParse(text, Styles, CultureInfo.InvariantCulture, out var expected);
            // The providers' amounts also allow white space around the number (ProviderParsing.Amount).
            var padded = decimal.TryParse(text, Styles | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite,
                CultureInfo.InvariantCulture, out var expectedPadded);
            return !fast || (full && decimal.GetBits(actual).SequenceEqual(decimal.GetBits(expected))
                             && padded && decimal.GetBits(actual).SequenceEqual(decimal.GetBits(expectedPadded)));
        }, iter: 300_000, print: t => $"'{t}'");
    }

    [Fact]
    public void TryParse_AcceptsEveryPlainAmountOfAtMostEighteenDigits_ButANegativeZero()
    {
        Gen.OneOf(Mangled, Canonical).Sample(text =>
        {
            var plain = Plain().IsMatch(text) && text.Count(char.IsAsciiDigit) <= 18
                        && !(text.StartsWith('-') && text.All(c => c is '-' or '.' or '0'));
            return PlainDecimal.TryParse(text, out _) == plain;
        }, iter: 300_000, print: t => $"'{t}'");
    }

    [Theory]
    [InlineData("648.00", 648.00)]
    [InlineData("-12.5", -12.5)]
    [InlineData("7", 7)]
    [InlineData(".5", 0.5)]
    [InlineData("1.", 1)]
    public void TryParse_ReadsMoneyCells(string text, decimal expected)
    {
        PlainDecimal.TryParse(text, out var value).Should().BeTrue();
        value.Should().Be(expected);
        value.ToString(CultureInfo.InvariantCulture).Should().Be(decimal.Parse(text, Styles, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("-0.00")]
    [InlineData("+5")]
    [InlineData("1,234.00")]
    [InlineData("1e3")]
    [InlineData(" 5")]
    [InlineData("1.2.3")]
    [InlineData("1234567890123456789")]
    public void TryParse_Declines_WhatItLeavesToTheFullParse(string text) =>
        PlainDecimal.TryParse(text, out _).Should().BeFalse();
}
