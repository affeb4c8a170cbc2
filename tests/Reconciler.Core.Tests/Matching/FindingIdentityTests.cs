using System.Security.Cryptography;
using System.Text;
using Reconciler.Core.Matching;

namespace Reconciler.Core.Tests.Matching;

public class FindingIdentityTests
{
    private const string OrderNo = "KM202611180000013";

    [Fact]
    public void ForOrder_MatchesTheFirstTwelveBytesOfSha256OverTheKey_WhenGivenAKnownOrder()
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes("order\u001fKM202611180000013\u001fcharged_not_delivered"));
        var expected = Convert.ToHexStringLower(digest.AsSpan(0, 12));

        FindingIdentity.ForOrder(OrderNo, FindingKind.ChargedNotDelivered).Should().Be(expected);
    }

    [Fact]
    public void ForOrder_Returns24LowercaseHexCharacters_ForEveryKind()
    {
        foreach (var kind in Enum.GetValues<FindingKind>())
        {
            FindingIdentity.ForOrder(OrderNo, kind).Should().MatchRegex("^[0-9a-f]{24}$");
        }
    }

    [Fact]
    public void ForOrder_ReturnsTheSameId_WhenTheKeyIsTheSame()
    {
        var first = FindingIdentity.ForOrder(OrderNo, FindingKind.DuplicateCharge);
        var second = FindingIdentity.ForOrder(new string(OrderNo.AsSpan()), FindingKind.DuplicateCharge);

        second.Should().Be(first);
    }

    [Fact]
    public void ForOrder_ReturnsDistinctIds_WhenOnlyTheKindDiffers()
    {
        var ids = Enum.GetValues<FindingKind>().Select(kind => FindingIdentity.ForOrder(OrderNo, kind)).ToList();

        ids.Should().HaveCount(9).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void ForOrder_ReturnsDistinctIds_WhenOnlyTheOrderDiffers()
    {
        FindingIdentity.ForOrder("KM202611180000013", FindingKind.Pending)
            .Should().NotBe(FindingIdentity.ForOrder("KM202611180000014", FindingKind.Pending));
    }

    [Fact]
    public void ForOrder_IsCaseSensitive_WhenOrderNumbersDifferOnlyInCase()
    {
        FindingIdentity.ForOrder("km1", FindingKind.Pending).Should().NotBe(FindingIdentity.ForOrder("KM1", FindingKind.Pending));
    }

    [Fact]
    public void ForOrphan_DiffersFromForOrder_WhenTheFieldsWouldConcatenateAlike()
    {
        FindingIdentity.ForOrphan("wechat", "1", FindingKind.OrphanCharge)
            .Should().NotBe(FindingIdentity.ForOrder("wechat\u001f1", FindingKind.OrphanCharge));
    }

    [Fact]
    public void ForOrphan_MatchesTheFirstTwelveBytesOfSha256OverTheKey_WhenGivenAKnownPayment()
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes("orphan\u001fstripe\u001fch_3Q\u001forphan_charge"));

        FindingIdentity.ForOrphan("stripe", "ch_3Q", FindingKind.OrphanCharge)
            .Should().Be(Convert.ToHexStringLower(digest.AsSpan(0, 12)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void ForOrder_Throws_WhenTheOrderNumberIsMissing(string? orderNo)
    {
        var act = () => FindingIdentity.ForOrder(orderNo!, FindingKind.Pending);

        act.Should().Throw<ArgumentException>().WithParameterName(nameof(orderNo));
    }

    [Theory]
    [InlineData("", "4200001234", "provider")]
    [InlineData("wechat", "", "providerTxnId")]
    public void ForOrphan_Throws_WhenPartOfTheKeyIsEmpty(string provider, string txnId, string parameter)
    {
        var act = () => FindingIdentity.ForOrphan(provider, txnId, FindingKind.OrphanCharge);

        act.Should().Throw<ArgumentException>().WithParameterName(parameter);
    }
}
