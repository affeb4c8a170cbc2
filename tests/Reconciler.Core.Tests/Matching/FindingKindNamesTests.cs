using Reconciler.Core.Matching;

namespace Reconciler.Core.Tests.Matching;

public class FindingKindNamesTests
{
    [Theory]
    [InlineData(FindingKind.DuplicateCharge, "duplicate_charge")]
    [InlineData(FindingKind.ChargedNotDelivered, "charged_not_delivered")]
    [InlineData(FindingKind.PartiallyDelivered, "partially_delivered")]
    [InlineData(FindingKind.DeliveredWrongAccount, "delivered_wrong_account")]
    [InlineData(FindingKind.AmountMismatch, "amount_mismatch")]
    [InlineData(FindingKind.DeliveredNotCharged, "delivered_not_charged")]
    [InlineData(FindingKind.OrphanCharge, "orphan_charge")]
    [InlineData(FindingKind.Pending, "pending")]
    [InlineData(FindingKind.CompensatedButResolved, "compensated_but_resolved")]
    public void ToNameAndParse_RoundTripDesignsName_ForEveryKind(FindingKind kind, string name)
    {
        kind.ToName().Should().Be(name);
        FindingKindNames.Parse(name).Should().Be(kind);
    }

    [Theory]
    [InlineData("Pending")]
    [InlineData("chargedNotDelivered")]
    [InlineData("")]
    public void Parse_ThrowsNamingTheValue_WhenTheNameIsUnknown(string name)
    {
        var act = () => FindingKindNames.Parse(name);

        act.Should().Throw<ArgumentException>().WithMessage($"'{name}' is not a finding kind*");
    }
}
