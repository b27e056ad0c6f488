namespace Pipelines.Learning.Validation;

/// <summary>
/// Anchored walk-forward: the last <c>FoldCount</c> blocks of <c>TestSize</c> rows are test sets in turn, and
/// each trains on every row before its test block (less <c>Gap</c> rows left out just before the test, so
/// labels that look ahead cannot reach into it). The training set grows fold by fold.
/// </summary>
public sealed class ExpandingWindowSplitter
{
    /// <param name="foldCount">number of folds, at least 1</param>
    /// <param name="testSize">rows per test block; 0 means rowCount / (foldCount + 1), as scikit-learn's TimeSeriesSplit</param>
    /// <param name="gap">rows dropped between the end of training and the start of the test block</param>
    public ExpandingWindowSplitter(int foldCount, int testSize = 0, int gap = 0)
    {
        if (foldCount < 1)
            throw new ArgumentOutOfRangeException(nameof(foldCount), foldCount, "at least one fold is needed");
        if (testSize < 0)
            throw new ArgumentOutOfRangeException(nameof(testSize), testSize, "must be 0 (automatic) or positive");
        if (gap < 0)
            throw new ArgumentOutOfRangeException(nameof(gap), gap, "must not be negative");
        FoldCount = foldCount;
        TestSize = testSize;
        Gap = gap;
    }

    public int FoldCount { get; }

    public int TestSize { get; }

    public int Gap { get; }

    public IReadOnlyList<Fold> Split(int rowCount)
    {
        if (rowCount < 2)
            throw new ArgumentOutOfRangeException(nameof(rowCount), rowCount, "at least two rows are needed");
        int testSize = TestSize > 0 ? TestSize : rowCount / (FoldCount + 1);
        long firstTestStart = rowCount - (long)FoldCount * testSize;
        if (testSize == 0 || firstTestStart - Gap < 1)
            throw new ArgumentException(
                $"{rowCount} rows cannot hold {FoldCount} test blocks of {testSize} rows after a gap of {Gap} and a non-empty training set",
                nameof(rowCount));

        var folds = new Fold[FoldCount];
        for (int f = 0; f < FoldCount; f++)
        {
            int testStart = (int)firstTestStart + f * testSize;
            folds[f] = new Fold(f, IndexRange.Of(0, testStart - Gap), IndexRange.Of(testStart, testStart + testSize));
        }
        return folds;
    }
}
