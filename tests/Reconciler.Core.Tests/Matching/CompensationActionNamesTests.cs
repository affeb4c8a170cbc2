using Reconciler.Core.Matching;

namespace Reconciler.Core.Tests.Matching;

public class CompensationActionNamesTests
{
    [Theory]
    [InlineData(CompensationAction.None, "none", false)]
    [InlineData(CompensationAction.ManualReview, "manual_review", false)]
    [InlineData(CompensationAction.Refund, "refund", true)]
    [InlineData(CompensationAction.Redeliver, "redeliver", true)]
    public void ToNameParseAndIsAutomatic_AgreeWithDesign_ForEveryAction(CompensationAction action, string name, bool automatic)
    {
        action.ToName().Should().Be(name);
        CompensationActionNames.Parse(name).Should().Be(action);
        action.IsAutomatic().Should().Be(automatic);
    }

    [Fact]
    public void Parse_Throws_WhenTheNameIsUnknown()
    {
        var act = () => CompensationActionNames.Parse("Refund");

        act.Should().Throw<ArgumentException>().WithMessage("'Refund' is not a compensation action*");
    }

    [Fact]
    public void ToName_Throws_WhenTheValueIsUndefined()
    {
        var act = () => ((CompensationAction)42).ToName();

        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
