namespace Pipelines.Learning.Validation;

/// <summary>
/// Sliding walk-forward over timestamps, e.g. train 180 days, test 30 days, step 30 days. Window k trains on
/// rows with timestamp in [t0 + k*step, t0 + k*step + train) and tests on rows in
/// [trainEnd + gap, trainEnd + gap + test), t0 being the first timestamp. Windows are laid while the test
/// window starts at or before the last timestamp, so the final test window may be cut short by the end of the
/// data; windows whose train or test part holds no row are skipped. Timestamps must be non-decreasing.
/// When <c>Anchored</c> is set, every training window starts at t0 instead (an expanding window whose first
/// training span is <c>TrainSpan</c>).
/// </summary>
public sealed class TimeWalkForwardSplitter
{
    public TimeWalkForwardSplitter(TimeSpan trainSpan, TimeSpan testSpan, TimeSpan step, TimeSpan gap = default,
        bool anchored = false)
    {
        if (trainSpan <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(trainSpan), trainSpan, "must be positive");
        if (testSpan <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(testSpan), testSpan, "must be positive");
        if (step <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(step), step, "must be positive");
        if (gap < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(gap), gap, "must not be negative");
        TrainSpan = trainSpan;
        TestSpan = testSpan;
        Step = step;
        Gap = gap;
        Anchored = anchored;
    }

    public TimeSpan TrainSpan { get; }

    public TimeSpan TestSpan { get; }

    public TimeSpan Step { get; }

    public TimeSpan Gap { get; }

    public bool Anchored { get; }

    public IReadOnlyList<Fold> Split(ReadOnlySpan<DateTime> timestamps)
    {
        if (timestamps.IsEmpty)
            throw new ArgumentException("must not be empty", nameof(timestamps));
        for (int i = 1; i < timestamps.Length; i++)
        {
            if (timestamps[i] < timestamps[i - 1])
                throw new ArgumentException(
                    $"element {i} ({timestamps[i]:O}) is earlier than element {i - 1} ({timestamps[i - 1]:O}); rows must be time-ordered",
                    nameof(timestamps));
        }

        var folds = new List<Fold>();
        DateTime first = timestamps[0];
        DateTime last = timestamps[^1];
        for (DateTime trainStart = first; ; trainStart += Step)
        {
            DateTime trainEnd = trainStart + TrainSpan;
            DateTime testStart = trainEnd + Gap;
            if (testStart > last)
                break;
            DateTime testEnd = testStart + TestSpan;
            int trainFrom = Anchored ? 0 : LowerBound(timestamps, trainStart);
            int trainTo = LowerBound(timestamps, trainEnd);
            int testFrom = LowerBound(timestamps, testStart);
            int testTo = LowerBound(timestamps, testEnd);
            if (trainTo > trainFrom && testTo > testFrom)
            {
                folds.Add(new Fold(folds.Count,
                    IndexRange.Of(trainFrom, trainTo),
                    IndexRange.Of(testFrom, testTo)));
            }
        }
        if (folds.Count == 0)
            throw new ArgumentException(
                $"the data spans {last - first}, too short for one window of {TrainSpan} train + {Gap} gap + test",
                nameof(timestamps));
        return folds;
    }

    private static int LowerBound(ReadOnlySpan<DateTime> sorted, DateTime value)
    {
        int low = 0;
        int high = sorted.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (sorted[middle] < value)
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }
}
