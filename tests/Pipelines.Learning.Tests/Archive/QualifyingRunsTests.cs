using Pipelines.Learning.Archive;

namespace Pipelines.Learning.Tests.Archive;

public sealed class QualifyingRunsTests
{
    [Fact]
    public void Consecutive_qualifying_days_merge_into_one_event()
    {
        var runs = QualifyingRuns.Find([10, 11, 12, 13, 14, 15], [false, true, true, true, false, false], 1);

        Assert.Equal([new DayRun(11, 13)], runs);
        Assert.Equal(3, runs[0].Days);
    }

    [Fact]
    public void A_day_without_data_splits_a_run_even_when_both_sides_qualify()
    {
        var runs = QualifyingRuns.Find([1, 2, 4, 5], [true, true, true, true], 1);

        Assert.Equal([new DayRun(1, 2), new DayRun(4, 5)], runs);
    }

    [Fact]
    public void Runs_shorter_than_the_required_days_are_not_events()
    {
        var runs = QualifyingRuns.Find([1, 2, 3, 4, 5, 6, 7], [true, false, true, true, false, true, true], 2);

        Assert.Equal([new DayRun(3, 4), new DayRun(6, 7)], runs);
        Assert.Empty(QualifyingRuns.Find([1, 2, 3], [true, false, true], 2));
    }

    [Fact]
    public void Days_out_of_order_are_refused()
    {
        Assert.Throws<ArgumentException>(() => QualifyingRuns.Find([3, 2], [true, true], 1));
        Assert.Throws<ArgumentException>(() => QualifyingRuns.Find([2, 2], [true, true], 1));
    }
}
