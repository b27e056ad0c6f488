using Pipelines.Learning.Validation;

namespace Pipelines.Learning.Tests.Validation;

public class WalkForwardSplitterTests
{
    [Fact]
    public void Windows_slide_by_step_and_stay_complete()
    {
        // 12 rows, train 4, test 2, step 3: windows start at 0, 3, 6 (6+6=12 fits), 9 would need 15 rows
        var folds = new WalkForwardSplitter(4, 2, 3).Split(12);
        Assert.Equal(3, folds.Count);
        Assert.Equal([0, 1, 2, 3], folds[0].Train);
        Assert.Equal([4, 5], folds[0].Test);
        Assert.Equal([3, 4, 5, 6], folds[1].Train);
        Assert.Equal([7, 8], folds[1].Test);
        Assert.Equal([6, 7, 8, 9], folds[2].Train);
        Assert.Equal([10, 11], folds[2].Test);
    }

    [Fact]
    public void Random_configurations_never_train_on_the_future()
    {
        var random = new Random(5);
        for (int round = 0; round < 300; round++)
        {
            int train = random.Next(1, 40);
            int test = random.Next(1, 20);
            int step = random.Next(1, 25);
            int gap = random.Next(0, 4);
            int rowCount = train + test + gap + random.Next(0, 200);
            var folds = new WalkForwardSplitter(train, test, step, gap).Split(rowCount);
            Assert.Equal((rowCount - (train + test + gap)) / step + 1, folds.Count);
            foreach (var fold in folds)
            {
                FoldAssert.StrictlyAscending(fold.Train);
                FoldAssert.StrictlyAscending(fold.Test);
                FoldAssert.Disjoint(fold);
                FoldAssert.TrainsOnlyOnThePast(fold, gap);
                Assert.Equal(train, fold.Train.Length);
                Assert.Equal(test, fold.Test.Length);
                Assert.True(fold.Test[^1] < rowCount);
            }
        }
    }

    [Fact]
    public void Too_few_rows_are_rejected()
    {
        Assert.Equal("rowCount",
            Assert.Throws<ArgumentException>(() => new WalkForwardSplitter(10, 5, 1).Split(14)).ParamName);
        Assert.Equal("step",
            Assert.Throws<ArgumentOutOfRangeException>(() => new WalkForwardSplitter(10, 5, 0)).ParamName);
    }
}
