using CsCheck;
using FluentAssertions;
using Reconciler.Storage.Importing;

namespace Reconciler.Storage.Tests.Importing;

/// <summary><see cref="KeyHashes"/> against a set: across chunk boundaries, in the first and the last chunk, and with none.</summary>
public sealed class KeyHashesTests
{
    [Fact]
    public void AnyTwice_SaysWhetherAHashCameTwice_WhateverTheChunks()
    {
        // Few distinct values, so that about half the lists hold one twice; chunks of 1 to 5 put the two anywhere.
        Gen.Select(Gen.ULong[0, 60].List[0, 40], Gen.Int[1, 5]).Sample((hashes, chunk) =>
        {
            var kept = new KeyHashes(chunk);
            foreach (var hash in hashes)
            {
                kept.Add(hash);
            }

            kept.Count.Should().Be(hashes.Count);
            kept.AnyTwice().Should().Be(hashes.Distinct().Count() != hashes.Count, "hashes {0} in chunks of {1}", string.Join(",", hashes), chunk);
        }, iter: 2000);
    }

    [Fact]
    public void AnyTwice_FindsTheCopy_WhenItsTwoAreTheFirstAndTheLastOfManyChunks()
    {
        var kept = new KeyHashes(4);
        kept.Add(7);
        for (var i = 100UL; i < 130; i++)
        {
            kept.Add(i);
        }

        kept.AnyTwice().Should().BeFalse();
        kept.Add(7);
        kept.AnyTwice().Should().BeTrue();
    }
}
