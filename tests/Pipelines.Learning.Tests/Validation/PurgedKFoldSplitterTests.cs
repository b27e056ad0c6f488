using Pipelines.Learning.Validation;

namespace Pipelines.Learning.Tests.Validation;

public class PurgedKFoldSplitterTests
{
    [Fact]
    public void Purges_overlapping_labels_and_embargoes_the_next_observation()
    {
        // observation i is labelled over bars [i, i + 2]; 10 observations, 5 folds of 2, embargo 1
        long[] start = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        long[] end = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
        var folds = new PurgedKFoldSplitter(5, embargoCount: 1).Split(start, end);

        // fold 0: test {0,1}, span [0,3]; purge 2 (2..4), 3 (3..5); 4 is the first start after 3 -> embargoed
        Assert.Equal([0, 1], folds[0].Test);
        Assert.Equal([5, 6, 7, 8, 9], folds[0].Train);
        // fold 1: test {2,3}, span [2,5]; purge 0 (0..2), 1 (1..3), 4 (4..6), 5 (5..7); embargo 6
        Assert.Equal([7, 8, 9], folds[1].Train);
        // fold 4: test {8,9}, span [8,11]; purge 6 (6..8), 7 (7..9); nothing after the span to embargo
        Assert.Equal([8, 9], folds[4].Test);
        Assert.Equal([0, 1, 2, 3, 4, 5], folds[4].Train);
    }

    [Fact]
    public void Embargo_fraction_rounds_up()
    {
        var splitter = PurgedKFoldSplitter.WithEmbargoFraction(3, 0.01);
        Assert.Equal(1, splitter.EmbargoFor(50));   // 0.5 -> 1
        Assert.Equal(3, splitter.EmbargoFor(201));  // 2.01 -> 3
    }

    [Fact]
    public void Random_label_spans_never_leak_into_training()
    {
        var random = new Random(21);
        for (int round = 0; round < 300; round++)
        {
            int n = random.Next(4, 120);
            int k = random.Next(2, Math.Min(n, 8) + 1);
            int embargo = random.Next(0, 6);
            var start = new long[n];
            var end = new long[n];
            long t = 0;
            for (int i = 0; i < n; i++)
            {
                t += random.Next(0, 3);
                start[i] = t;
                end[i] = t + random.Next(0, 15);
            }
            var folds = new PurgedKFoldSplitter(k, embargo).Split(start, end);

            Assert.Equal(k, folds.Count);
            var tested = new List<int>();
            foreach (var fold in folds)
            {
                FoldAssert.StrictlyAscending(fold.Train);
                FoldAssert.StrictlyAscending(fold.Test);
                FoldAssert.Disjoint(fold);
                tested.AddRange(fold.Test);

                long spanStart = start[fold.Test[0]];
                long spanEnd = fold.Test.Max(i => end[i]);
                // rows after the test span, in order: the first `embargo` of them may not train
                var embargoed = Enumerable.Range(0, n).Where(i => start[i] > spanEnd).Take(embargo).ToHashSet();
                var train = fold.Train.ToHashSet();
                for (int i = 0; i < n; i++)
                {
                    bool inTest = fold.Test.Contains(i);
                    bool overlapsAnyTestLabel = fold.Test.Any(j => start[i] <= end[j] && end[i] >= start[j]);
                    bool overlapsSpan = start[i] <= spanEnd && end[i] >= spanStart;
                    if (train.Contains(i))
                    {
                        Assert.False(overlapsAnyTestLabel, $"train row {i} shares label time with the test set");
                        Assert.False(embargoed.Contains(i), $"train row {i} lies in the embargo");
                    }
                    else if (!inTest && !overlapsSpan && !embargoed.Contains(i))
                    {
                        Assert.Fail($"row {i} is clear of the test span and embargo but was dropped from training");
                    }
                }
            }
            Assert.Equal(Enumerable.Range(0, n), tested);
        }
    }

    [Fact]
    public void Unordered_or_inverted_intervals_are_rejected()
    {
        var splitter = new PurgedKFoldSplitter(2);
        Assert.Equal("labelStart",
            Assert.Throws<ArgumentException>(() => splitter.Split([0L, 2, 1, 3], [0L, 2, 1, 3])).ParamName);
        Assert.Equal("labelEnd",
            Assert.Throws<ArgumentException>(() => splitter.Split([0L, 1, 2, 3], [0L, 0, 2, 3])).ParamName);
        Assert.Equal("labelEnd",
            Assert.Throws<ArgumentException>(() => splitter.Split([0L, 1, 2, 3], [0L, 1, 2])).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => PurgedKFoldSplitter.WithEmbargoFraction(3, 1.5));
    }

    [Fact]
    public void Date_intervals_are_purged_like_tick_intervals()
    {
        var origin = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var start = new DateTime[6];
        var end = new DateTime[6];
        for (int i = 0; i < 6; i++)
        {
            start[i] = origin.AddDays(i);
            end[i] = origin.AddDays(i + 1);
        }
        // fold 0 tests {0,1,2} spanning days [0,3]; row 3 (days 3..4) overlaps and is purged
        var folds = new PurgedKFoldSplitter(2).Split(start, end);
        Assert.Equal([4, 5], folds[0].Train);
        // fold 1 tests {3,4,5} spanning days [3,6]; row 2 (days 2..3) overlaps
        Assert.Equal([0, 1], folds[1].Train);
    }
}
