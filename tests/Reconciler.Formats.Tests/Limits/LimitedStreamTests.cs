using Reconciler.Formats.Limits;

namespace Reconciler.Formats.Tests.Limits;

public sealed class LimitedStreamTests
{
    [Fact]
    public void Read_Throws_WhenTheContentOutgrowsMaxEntryBytes()
    {
        var limits = new InputLimits { MaxEntryBytes = 10_000 };
        using var stream = new LimitedStream(new MemoryStream(new byte[20_000]), "big.csv", limits, 0);

        var act = () => stream.CopyTo(Stream.Null);

        act.Should().Throw<FileRejectedException>().WithMessage("big.csv: holds more than 10000 bytes*MaxEntryBytes*");
    }

    [Fact]
    public void Read_Throws_WhenDecompressedContentOutgrowsTheRatioPastTheFloor()
    {
        var limits = new InputLimits { MaxCompressionRatio = 100 };
        using var stream = new LimitedStream(new MemoryStream(new byte[3 * 1024 * 1024]), "a.zip!b.csv", limits, compressedBytes: 10_000);

        var act = () => stream.CopyTo(Stream.Null);

        act.Should().Throw<FileRejectedException>().WithMessage("a.zip!b.csv: decompresses to more than*MaxCompressionRatio = 100:1*");
    }

    [Fact]
    public void Read_PassesSmallContent_WhateverItsRatio()
    {
        using var stream = new LimitedStream(new MemoryStream(new byte[500_000]), "small.csv.gz", new InputLimits(), compressedBytes: 100);

        stream.CopyTo(Stream.Null);

        stream.Position.Should().Be(500_000);
    }

    [Fact]
    public void CheckDeclared_NamesTheLimit_WhenTheHeadersAlreadyBreakIt()
    {
        var reason = LimitedStream.CheckDeclared("bomb.zip!bill.csv", new InputLimits(), 1_610_612_736, 1_565_450);

        reason.Should().Contain("bomb.zip!bill.csv").And.Contain("1028:1").And.Contain("MaxCompressionRatio = 200:1");
    }
}
