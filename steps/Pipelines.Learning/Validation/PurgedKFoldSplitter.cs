namespace Pipelines.Learning.Validation;

/// <summary>
/// K-fold cross-validation for labels that span time (López de Prado, Advances in Financial Machine Learning,
/// ch. 7). Observation i is labelled from information in [start_i, end_i]; observations are ordered by start.
/// The folds are contiguous blocks (the first rowCount % k blocks one row longer). For each test block:
/// <list type="bullet">
/// <item>purge: a training observation whose label interval overlaps the test span
/// [start of first test row, latest end of any test row] is dropped, since its label shares information with
/// the test labels;</item>
/// <item>embargo: the <c>embargo</c> observations immediately following the test span (the first ones starting
/// after it) are dropped too, since serially correlated features leak test information into them.</item>
/// </list>
/// Training observations before the test block are kept unless purged: this is k-fold, not walk-forward.
/// </summary>
public sealed class PurgedKFoldSplitter
{
    private readonly int _embargoCount;
    private readonly double _embargoFraction;

    /// <param name="foldCount">number of folds, at least 2</param>
    /// <param name="embargoCount">observations embargoed after each test span</param>
    public PurgedKFoldSplitter(int foldCount, int embargoCount = 0)
    {
        if (foldCount < 2)
            throw new ArgumentOutOfRangeException(nameof(foldCount), foldCount, "at least two folds are needed");
        if (embargoCount < 0)
            throw new ArgumentOutOfRangeException(nameof(embargoCount), embargoCount, "must not be negative");
        FoldCount = foldCount;
        _embargoCount = embargoCount;
    }

    private PurgedKFoldSplitter(int foldCount, double embargoFraction) : this(foldCount)
    {
        _embargoFraction = embargoFraction;
    }

    public int FoldCount { get; }

    /// <summary>
    /// Embargo a fraction of all observations after each test span; the count is rounded up, so any positive
    /// fraction embargoes at least one observation.
    /// </summary>
    public static PurgedKFoldSplitter WithEmbargoFraction(int foldCount, double embargoFraction)
    {
        if (!(embargoFraction >= 0.0 && embargoFraction < 1.0))
            throw new ArgumentOutOfRangeException(nameof(embargoFraction), embargoFraction, "must lie in [0, 1)");
        return new PurgedKFoldSplitter(foldCount, embargoFraction);
    }

    /// <summary>Embargo length in observations for a sample of <paramref name="rowCount"/>.</summary>
    public int EmbargoFor(int rowCount) =>
        _embargoFraction > 0.0 ? (int)Math.Ceiling(_embargoFraction * rowCount) : _embargoCount;

    public IReadOnlyList<Fold> Split(ReadOnlySpan<DateTime> labelStart, ReadOnlySpan<DateTime> labelEnd)
    {
        var starts = new long[labelStart.Length];
        var ends = new long[labelEnd.Length];
        for (int i = 0; i < starts.Length; i++)
            starts[i] = labelStart[i].Ticks;
        for (int i = 0; i < ends.Length; i++)
            ends[i] = labelEnd[i].Ticks;
        return Split(starts, ends);
    }

    /// <summary>Label intervals on any ordered scale (ticks, bar numbers), inclusive at both ends.</summary>
    public IReadOnlyList<Fold> Split(ReadOnlySpan<long> labelStart, ReadOnlySpan<long> labelEnd)
    {
        int n = labelStart.Length;
        if (n == 0)
            throw new ArgumentException("must not be empty", nameof(labelStart));
        if (labelEnd.Length != n)
            throw new ArgumentException($"length {labelEnd.Length} differs from labelStart length {n}", nameof(labelEnd));
        if (n < FoldCount)
            throw new ArgumentException($"{n} observations cannot fill {FoldCount} folds", nameof(labelStart));
        for (int i = 0; i < n; i++)
        {
            if (labelEnd[i] < labelStart[i])
                throw new ArgumentException($"element {i} ends before it starts", nameof(labelEnd));
            if (i > 0 && labelStart[i] < labelStart[i - 1])
                throw new ArgumentException(
                    $"element {i} starts before element {i - 1}; observations must be ordered by label start",
                    nameof(labelStart));
        }

        int embargo = EmbargoFor(n);
        var folds = new Fold[FoldCount];
        int baseSize = n / FoldCount;
        int remainder = n % FoldCount;
        int testFrom = 0;
        var train = new List<int>(n);
        for (int f = 0; f < FoldCount; f++)
        {
            int testTo = testFrom + baseSize + (f < remainder ? 1 : 0);
            long spanStart = labelStart[testFrom];
            long spanEnd = long.MinValue;
            for (int i = testFrom; i < testTo; i++)
                spanEnd = Math.Max(spanEnd, labelEnd[i]);

            // Starts are sorted, so the rows starting after the span form a suffix; its first `embargo` rows
            // are the embargoed ones.
            int afterSpan = testTo;
            while (afterSpan < n && labelStart[afterSpan] <= spanEnd)
                afterSpan++;
            int embargoEnd = (int)Math.Min((long)afterSpan + embargo, n);

            train.Clear();
            for (int i = 0; i < n; i++)
            {
                if (i >= testFrom && i < testTo)
                    continue;
                if (i >= afterSpan && i < embargoEnd)
                    continue;
                bool overlaps = labelStart[i] <= spanEnd && labelEnd[i] >= spanStart;
                if (!overlaps)
                    train.Add(i);
            }
            folds[f] = new Fold(f, train.ToArray(), IndexRange.Of(testFrom, testTo));
            testFrom = testTo;
        }
        return folds;
    }
}
