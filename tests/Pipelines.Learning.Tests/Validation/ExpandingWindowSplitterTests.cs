using Pipelines.Learning.Validation;

namespace Pipelines.Learning.Tests.Validation;

public class ExpandingWindowSplitterTests
{
    [Fact]
    public void Test_blocks_are_the_last_rows_and_training_grows()
    {
        // 10 rows, 3 folds: automatic test size 10 / 4 = 2; test blocks start at 10 - 3*2 = 4
        var folds = new ExpandingWindowSplitter(3).Split(10);
        Assert.Equal(3, folds.Count);
        Assert.Equal([0, 1, 2, 3], folds[0].Train);
        Assert.Equal([4, 5], folds[0].Test);
        Assert.Equal([0, 1, 2, 3, 4, 5], folds[1].Train);
        Assert.Equal([6, 7], folds[1].Test);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], folds[2].Train);
        Assert.Equal([8, 9], folds[2].Test);
    }

    [Fact]
    public void Gap_removes_rows_just_before_each_test_block()
    {
        var folds = new ExpandingWindowSplitter(2, testSize: 3, gap: 2).Split(12);
        // test blocks [6,9) and [9,12); train stops 2 rows before each
        Assert.Equal([0, 1, 2, 3], folds[0].Train);
        Assert.Equal([6, 7, 8], folds[0].Test);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], folds[1].Train);
        Assert.Equal([9, 10, 11], folds[1].Test);
    }

    [Fact]
    public void Random_configurations_never_train_on_the_future()
    {
        var random = new Random(3);
        for (int round = 0; round < 300; round++)
        {
            int foldCount = random.Next(1, 8);
            int testSize = random.Next(0, 20);
            int gap = random.Next(0, 5);
            int rowCount = random.Next(2, 300);
            var splitter = new ExpandingWindowSplitter(foldCount, testSize, gap);
            IReadOnlyList<Fold> folds;
            try
            {
                folds = splitter.Split(rowCount);
            }
            catch (ArgumentException)
            {
                // too few rows for this configuration: the rejection itself is checked below
                int size = testSize > 0 ? testSize : rowCount / (foldCount + 1);
                Assert.True(size == 0 || rowCount - foldCount * size - gap < 1);
                continue;
            }
            Assert.Equal(foldCount, folds.Count);
            foreach (var fold in folds)
            {
                FoldAssert.StrictlyAscending(fold.Train);
                FoldAssert.StrictlyAscending(fold.Test);
                FoldAssert.Disjoint(fold);
                FoldAssert.TrainsOnlyOnThePast(fold, gap);
                Assert.Equal(0, fold.Train[0]);
            }
            Assert.Equal(rowCount - 1, folds[^1].Test[^1]);
        }
    }

    [Fact]
    public void Too_few_rows_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new ExpandingWindowSplitter(5, testSize: 3).Split(15));
        Assert.Equal("rowCount", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExpandingWindowSplitter(0));
    }
}
