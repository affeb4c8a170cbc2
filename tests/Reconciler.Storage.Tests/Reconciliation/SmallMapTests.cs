using FluentAssertions;
using Reconciler.Storage.Reconciliation;
using Xunit;

namespace Reconciler.Storage.Tests.Reconciliation;

public sealed class SmallMapTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(SmallMap<string, int>.Searched)]
    [InlineData(SmallMap<string, int>.Searched + 1)]
    [InlineData(100)]
    public void Holds_WhatADictionaryHolds_InTheOrderAdded_BelowAndAboveTheSearchedCount(int keys)
    {
        var map = new SmallMap<string, int>();
        var expected = new Dictionary<string, int>();
        // Each key set three times (added, then updated twice), in an order that revisits early keys late.
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < keys; i++)
            {
                var key = "k" + ((i * 7 + round) % keys);
                map.Set(key, map.GetValueOrDefault(key) + i + 1);
                expected[key] = expected.GetValueOrDefault(key) + i + 1;
            }
        }

        map.Count.Should().Be(expected.Count);
        Enumerable.Range(0, map.Count).Select(i => map[i]).Should().Equal(expected, "entries come out in the order they were added");
        map.TryGetValue("absent", out _).Should().BeFalse();
    }

    [Fact]
    public void KeepsTheKeyItWasAddedWith_AsADictionaryDoes()
    {
        // 1.0m and 1.00m are equal keys; the one first added stays, with its scale.
        foreach (var extra in new[] { 0, SmallMap<decimal, int>.Searched })
        {
            var map = new SmallMap<decimal, int>();
            for (var i = 0; i < extra; i++)
            {
                map.Set(100m + i, i);
            }

            map.Set(1.0m, 1);
            map.Set(1.00m, 2);
            var kept = Enumerable.Range(0, map.Count).Select(i => map[i]).Single(e => e.Key == 1m);
            kept.Key.ToString(System.Globalization.CultureInfo.InvariantCulture).Should().Be("1.0");
            kept.Value.Should().Be(2);
        }
    }

    [Fact]
    public void Clear_EmptiesIt_WhetherItWasSearchedOrIndexed()
    {
        var map = new SmallMap<string, int>();
        for (var i = 0; i < 20; i++)
        {
            map.Set("a" + i, i);
        }

        map.Clear();
        map.Count.Should().Be(0);
        map.TryGetValue("a3", out _).Should().BeFalse();

        map.Set("b", 1);
        map.Set("a3", 2);
        map.Count.Should().Be(2);
        map.GetValueOrDefault("a3").Should().Be(2);
        map[0].Key.Should().Be("b");
        map.Clear();
        map.Count.Should().Be(0);
        map.GetValueOrDefault("b").Should().Be(0);
    }
}
