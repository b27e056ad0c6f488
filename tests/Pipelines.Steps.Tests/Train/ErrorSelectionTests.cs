using Pipelines.Abstractions;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Tests.Train;

public sealed class ErrorSelectionTests
{
    private static readonly DateTime Noon = new(2023, 3, 14, 12, 0, 0, DateTimeKind.Utc);

    private static ShadowOutcome Decision(long row, double champion, double outcome, DateTime? at = null, string table = "t1") =>
        new("run", "shadow", table, row, 3, champion, outcome, at ?? Noon);

    [Fact]
    public void A_classifier_replays_only_its_misclassified_decisions_newest_first()
    {
        // Binary: a probability of at least 0.5 says class 1.
        var decisions = new[] { Decision(0, 0.9, 1), Decision(1, 0.9, 0), Decision(2, 0.2, 1), Decision(3, 0.5, 1), Decision(4, 0.49, 0) };

        var (selected, errors) = ErrorSelection.Select(decisions, ModelTask.Binary, null, 10);

        Assert.Equal(2, errors);
        Assert.Equal([2L, 1L], selected.Select(s => s.Row));
    }

    [Fact]
    public void The_replay_is_bounded_by_max_rows()
    {
        var decisions = Enumerable.Range(0, 500).Select(r => Decision(r, r % 3, (r + 1) % 3)).ToArray();

        var (selected, errors) = ErrorSelection.Select(decisions, ModelTask.Multiclass, null, 25);

        Assert.Equal(500, errors);
        Assert.Equal(25, selected.Count);
        Assert.Equal(Enumerable.Range(475, 25).Reverse().Select(r => (long)r), selected.Select(s => s.Row));
    }

    [Fact]
    public void A_regression_replays_its_largest_errors()
    {
        var decisions = new[] { Decision(0, 1.0, 1.1), Decision(1, 5.0, 1.0), Decision(2, -2.0, 0.0), Decision(3, 0.0, 0.0) };

        var (selected, errors) = ErrorSelection.Select(decisions, ModelTask.Regression, null, 2);

        Assert.Equal(4, errors);
        Assert.Equal([1L, 2L], selected.Select(s => s.Row));
    }

    [Fact]
    public void Since_keeps_decisions_recorded_shortly_before_the_newest_and_a_row_seen_twice_counts_once()
    {
        var decisions = new[]
        {
            Decision(0, 1, 0, Noon.AddDays(-10)), Decision(1, 1, 0, Noon.AddDays(-2)), Decision(2, 1, 0, Noon),
            Decision(1, 1, 0, Noon.AddHours(-1)), Decision(1, 1, 0, Noon.AddHours(-1), table: "t2"),
        };

        var (selected, errors) = ErrorSelection.Select(decisions, ModelTask.Binary, TimeSpan.FromDays(3), 10);

        Assert.Equal(3, errors);
        Assert.Equal([("t1", 2L), ("t1", 1L), ("t2", 1L)], selected.Select(s => (s.DataSha256, s.Row)));
        Assert.Equal(Noon.AddHours(-1), selected[1].RecordedAt);
    }
}
