using Reconciler.Jobs.Running;

namespace Reconciler.Jobs.Tests.Running;

public sealed class RunProgressTrackerTests
{
    /// <summary>A clock the test moves by hand, in whole seconds.</summary>
    private sealed class ManualTime : TimeProvider
    {
        public long Seconds { get; set; }

        public override long TimestampFrequency => 1;

        public override long GetTimestamp() => Seconds;
    }

    [Fact]
    public void Phases_GivesEachPhaseTheRowsItMovedPerSecondOfIt_WhenReportsNameNewPhases()
    {
        var time = new ManualTime();
        var tracker = new RunProgressTracker(time);

        tracker.Report(new RunProgressSnapshot(7, "importing", 0));
        time.Seconds = 1;
        tracker.Report(new RunProgressSnapshot(7, "importing", 500));
        time.Seconds = 2;
        tracker.Report(new RunProgressSnapshot(7, "importing", 1_000));
        tracker.Report(new RunProgressSnapshot(7, "matching", 1_000));
        time.Seconds = 4;
        tracker.Report(new RunProgressSnapshot(7, "matching", 3_000));
        time.Seconds = 6;

        var running = tracker.Phases();
        running.Should().Equal(
            new PhaseProgress("importing", 1_000, 1_000, TimeSpan.FromSeconds(2), true),
            new PhaseProgress("matching", 3_000, 2_000, TimeSpan.FromSeconds(4), false));
        running[0].RowsPerSecond.Should().Be(500);
        running[1].RowsPerSecond.Should().Be(500);
    }

    [Fact]
    public void Phases_StopMoving_WhenTheRunHasFinished()
    {
        var time = new ManualTime();
        var tracker = new RunProgressTracker(time);
        tracker.Report(new RunProgressSnapshot(7, "matching", 1_000));
        tracker.Report(new RunProgressSnapshot(7, "reporting", 1_000));
        time.Seconds = 3;

        tracker.Finish();
        time.Seconds = 10;
        tracker.Report(new RunProgressSnapshot(7, "reporting", 99));
        tracker.Report(new RunProgressSnapshot(7, "late", 99));

        var phases = tracker.Phases();
        phases.Should().HaveCount(2);
        phases[1].Should().Be(new PhaseProgress("reporting", 1_000, 0, TimeSpan.FromSeconds(3), true));
        phases[1].RowsPerSecond.Should().BeNull("a phase whose figure did not move did no rows of its own");
    }
}
