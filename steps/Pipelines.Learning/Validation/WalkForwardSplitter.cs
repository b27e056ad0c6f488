namespace Pipelines.Learning.Validation;

/// <summary>
/// Sliding walk-forward in rows: train on <c>TrainLength</c> rows, skip <c>Gap</c> rows, test on the next
/// <c>TestLength</c> rows, then slide everything forward by <c>Step</c> rows. Only complete windows are
/// produced, so every test block has exactly <c>TestLength</c> rows and nothing is trained on the future.
/// </summary>
public sealed class WalkForwardSplitter
{
    public WalkForwardSplitter(int trainLength, int testLength, int step, int gap = 0)
    {
        if (trainLength < 1)
            throw new ArgumentOutOfRangeException(nameof(trainLength), trainLength, "must be positive");
        if (testLength < 1)
            throw new ArgumentOutOfRangeException(nameof(testLength), testLength, "must be positive");
        if (step < 1)
            throw new ArgumentOutOfRangeException(nameof(step), step, "must be positive");
        if (gap < 0)
            throw new ArgumentOutOfRangeException(nameof(gap), gap, "must not be negative");
        TrainLength = trainLength;
        TestLength = testLength;
        Step = step;
        Gap = gap;
    }

    public int TrainLength { get; }

    public int TestLength { get; }

    public int Step { get; }

    public int Gap { get; }

    public IReadOnlyList<Fold> Split(int rowCount)
    {
        long window = (long)TrainLength + Gap + TestLength;
        if (rowCount < window)
            throw new ArgumentException(
                $"{rowCount} rows are fewer than one window of {TrainLength} train + {Gap} gap + {TestLength} test rows",
                nameof(rowCount));
        var folds = new List<Fold>();
        for (long start = 0; start + window <= rowCount; start += Step)
        {
            int trainStart = (int)start;
            int testStart = trainStart + TrainLength + Gap;
            folds.Add(new Fold(folds.Count,
                IndexRange.Of(trainStart, trainStart + TrainLength),
                IndexRange.Of(testStart, testStart + TestLength)));
        }
        return folds;
    }
}
