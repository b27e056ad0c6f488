namespace Pipelines.Learning.Drift;

/// <summary>
/// ADWIN2 adaptive windowing (Bifet &amp; Gavaldà, "Learning from Time-Changing Data with Adaptive Windowing",
/// SDM 2007). The window of recent values is kept as an exponential histogram: row r holds up to
/// <c>MaxBucketsPerRow</c> buckets summarising 2^r values each (total and sum of squared deviations), so a window
/// of W values takes O(M log W) memory. Every <c>Clock</c> updates, each split of the window into an older part
/// W0 and a newer part W1 at a bucket boundary is tested with the variance-based bound of the paper:
/// <code>
/// |mean(W0) - mean(W1)| &gt; sqrt(2 m σ² ln(2 ln(W) / δ)) + (2/3) m ln(2 ln(W) / δ),
/// m = 1/(n0 - L + 1) + 1/(n1 - L + 1)
/// </code>
/// with σ² the window's variance and L the minimum sub-window length. When a split passes, the oldest bucket is
/// dropped and the test repeats, so the window shrinks to the part consistent with the newest data.
/// Storage is allocated once; an update allocates nothing.
/// </summary>
public sealed class Adwin
{
    // 2^62 values per bucket is far beyond any stream; the bound only sizes the fixed arrays.
    private const int MaxRows = 62;

    private readonly int _rowCapacity;
    private readonly double[] _totals;
    private readonly double[] _variances;
    private readonly int[] _rowCounts;
    private int _rows;
    private long _width;
    private double _total;
    private double _variance;
    private long _updates;

    /// <param name="delta">confidence: the chance of a false cut on a stationary stream is bounded by about delta</param>
    /// <param name="maxBucketsPerRow">M, buckets kept per row before the two oldest merge</param>
    /// <param name="clock">the cut test runs every <paramref name="clock"/> updates</param>
    /// <param name="minWindowLength">L, the least number of values on either side of a cut</param>
    /// <param name="gracePeriod">no cut is tested until the window holds more values than this</param>
    /// <param name="clockPhase">
    /// updates before the first test are <c>clock - clockPhase</c>, in [0, clock): detectors updated in lockstep
    /// (one per feature of a stream) with different phases test on different updates instead of all on the same one
    /// </param>
    public Adwin(double delta = 0.002, int maxBucketsPerRow = 5, int clock = 32, int minWindowLength = 5,
        int gracePeriod = 10, int clockPhase = 0)
    {
        if (!(delta > 0.0 && delta < 1.0))
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "must lie in (0, 1)");
        if (maxBucketsPerRow < 2)
            throw new ArgumentOutOfRangeException(nameof(maxBucketsPerRow), maxBucketsPerRow, "must be at least 2");
        if (clock < 1)
            throw new ArgumentOutOfRangeException(nameof(clock), clock, "must be positive");
        if (minWindowLength < 1)
            throw new ArgumentOutOfRangeException(nameof(minWindowLength), minWindowLength, "must be positive");
        if (gracePeriod < 0)
            throw new ArgumentOutOfRangeException(nameof(gracePeriod), gracePeriod, "must not be negative");
        if (clockPhase < 0 || clockPhase >= clock)
            throw new ArgumentOutOfRangeException(nameof(clockPhase), clockPhase, $"must lie in [0, {clock})");
        Delta = delta;
        MaxBucketsPerRow = maxBucketsPerRow;
        Clock = clock;
        MinWindowLength = minWindowLength;
        GracePeriod = gracePeriod;
        _updates = clockPhase;
        // one spare slot: a row briefly holds M + 1 buckets before its two oldest merge
        _rowCapacity = maxBucketsPerRow + 1;
        _totals = new double[MaxRows * _rowCapacity];
        _variances = new double[MaxRows * _rowCapacity];
        _rowCounts = new int[MaxRows];
    }

    public double Delta { get; }

    public int MaxBucketsPerRow { get; }

    public int Clock { get; }

    public int MinWindowLength { get; }

    public int GracePeriod { get; }

    /// <summary>Number of values in the current window.</summary>
    public long Width => _width;

    /// <summary>Mean of the current window (0 when empty).</summary>
    public double Mean => _width == 0 ? 0.0 : _total / _width;

    /// <summary>Population variance of the current window (0 when empty).</summary>
    public double Variance => _width == 0 ? 0.0 : _variance / _width;

    /// <summary>Whether the latest update shrank the window because of a change.</summary>
    public bool DriftDetected { get; private set; }

    /// <summary>Number of updates at which a change was detected so far.</summary>
    public long DetectionCount { get; private set; }

    /// <summary>Adds one value; returns true when the window was cut because its distribution changed.</summary>
    public bool Update(double value)
    {
        if (!double.IsFinite(value))
            throw new ArgumentException($"{value} is not a finite value", nameof(value));
        Insert(value);
        _updates++;
        DriftDetected = _updates % Clock == 0 && _width > GracePeriod && CutWhileChanged();
        if (DriftDetected)
            DetectionCount++;
        return DriftDetected;
    }

    private void Insert(double value)
    {
        if (_rows == 0)
            _rows = 1;
        int slot = _rowCounts[0]++;
        _totals[slot] = value;
        _variances[slot] = 0.0;

        _width++;
        if (_width > 1)
        {
            // Welford-style update of the sum of squared deviations, using the mean before this value.
            double previousMean = _total / (_width - 1);
            double d = value - previousMean;
            _variance += (_width - 1) * d * d / _width;
        }
        _total += value;
        Compress();
    }

    private void Compress()
    {
        for (int row = 0; row < _rows; row++)
        {
            if (_rowCounts[row] <= MaxBucketsPerRow)
                return;
            if (row + 1 == MaxRows)
                throw new InvalidOperationException("the window outgrew the bucket rows");
            if (row + 1 == _rows)
                _rows++;

            // Merge the two oldest buckets of this row into the newest bucket of the next row.
            int baseIndex = row * _rowCapacity;
            double size = BucketSize(row);
            double total0 = _totals[baseIndex];
            double total1 = _totals[baseIndex + 1];
            double meanGap = (total0 - total1) / size;
            double mergedVariance = _variances[baseIndex] + _variances[baseIndex + 1] + size * size * meanGap * meanGap / (2 * size);
            int next = (row + 1) * _rowCapacity + _rowCounts[row + 1]++;
            _totals[next] = total0 + total1;
            _variances[next] = mergedVariance;
            RemoveOldest(row, 2);
        }
    }

    // About one merge runs per update, so its shift of a handful of buckets is a plain loop rather than two calls to
    // Array.Copy, whose fixed cost is larger than the copy.
    private void RemoveOldest(int row, int count)
    {
        int baseIndex = row * _rowCapacity;
        int remaining = _rowCounts[row] - count;
        for (int k = baseIndex, end = baseIndex + remaining; k < end; k++)
        {
            _totals[k] = _totals[k + count];
            _variances[k] = _variances[k + count];
        }
        _rowCounts[row] = remaining;
    }

    /// <summary>2^row, the number of values a bucket of this row summarises: exact, and a shift instead of a power.</summary>
    private static double BucketSize(int row) => 1L << row;

    /// <summary>Runs the cut test until no split passes; true if at least one did.</summary>
    private bool CutWhileChanged()
    {
        bool changed = false;
        while (TryCut())
        {
            changed = true;
            DropOldestBucket();
        }
        return changed;
    }

    private bool TryCut()
    {
        if (_width < 2L * MinWindowLength)
            return false;
        double n0 = 0.0;
        double n1 = _width;
        double total0 = 0.0;
        double total1 = _total;
        double windowVariance = _variance / _width;
        double logTerm = Math.Log(2.0 * Math.Log(_width) / Delta);

        // Walk buckets from oldest (top row, first slot) to newest, moving each from W1 into W0.
        for (int row = _rows - 1; row >= 0; row--)
        {
            double size = BucketSize(row);
            int baseIndex = row * _rowCapacity;
            for (int k = 0; k < _rowCounts[row]; k++)
            {
                double bucketTotal = _totals[baseIndex + k];
                n0 += size;
                n1 -= size;
                total0 += bucketTotal;
                total1 -= bucketTotal;
                if (n1 < MinWindowLength)
                    return false;
                if (n0 < MinWindowLength)
                    continue;
                double m = 1.0 / (n0 - MinWindowLength + 1) + 1.0 / (n1 - MinWindowLength + 1);
                double epsilon = Math.Sqrt(2.0 * m * windowVariance * logTerm) + 2.0 / 3.0 * m * logTerm;
                if (Math.Abs(total0 / n0 - total1 / n1) > epsilon)
                    return true;
            }
        }
        return false;
    }

    private void DropOldestBucket()
    {
        int row = _rows - 1;
        double size = BucketSize(row);
        int baseIndex = row * _rowCapacity;
        double bucketTotal = _totals[baseIndex];
        double bucketVariance = _variances[baseIndex];
        double bucketMean = bucketTotal / size;

        _width -= (long)size;
        _total -= bucketTotal;
        if (_width > 0)
        {
            double restMean = _total / _width;
            double gap = bucketMean - restMean;
            _variance -= bucketVariance + size * _width * gap * gap / (size + _width);
            if (_variance < 0.0)
                _variance = 0.0;
        }
        else
        {
            _variance = 0.0;
        }
        RemoveOldest(row, 1);
        if (_rowCounts[row] == 0)
            _rows--;
    }
}
