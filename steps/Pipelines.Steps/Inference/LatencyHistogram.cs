using System.Numerics;

namespace Pipelines.Steps.Inference;

/// <summary>
/// A histogram of non-negative latencies in nanoseconds with logarithmic buckets, each power of two split into 32
/// linear sub-buckets (as HdrHistogram does), so a percentile is off by at most 1/32 of its value. All storage is
/// allocated up front; <see cref="Record"/> allocates nothing and costs a few instructions.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 5;
    private const int SubBuckets = 1 << SubBucketBits;

    // Values below 32 get exact buckets; each higher power of two (up to 2^62) gets 32.
    private readonly long[] _counts = new long[SubBuckets + (62 - SubBucketBits + 1) * SubBuckets];

    public long Count { get; private set; }

    public long Max { get; private set; }

    public void Record(long nanoseconds)
    {
        if (nanoseconds < 0) nanoseconds = 0;
        _counts[IndexOf(nanoseconds)]++;
        Count++;
        if (nanoseconds > Max) Max = nanoseconds;
    }

    /// <summary>
    /// The smallest bucket bound at or below which <paramref name="percentile"/> % of the values lie (capped at the
    /// exact maximum); 0 when empty.
    /// </summary>
    public long Percentile(double percentile)
    {
        if (!(percentile is >= 0 and <= 100)) throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "must lie in [0, 100]");
        if (Count == 0) return 0;
        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100.0 * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return Math.Min(UpperBound(i), Max);
        }
        return Max;
    }

    private static int IndexOf(long value)
    {
        if (value < SubBuckets) return (int)value;
        var shift = 63 - BitOperations.LeadingZeroCount((ulong)value) - SubBucketBits;
        var top = (int)(value >> shift); // in [32, 63]
        return SubBuckets + shift * SubBuckets + (top - SubBuckets);
    }

    private static long UpperBound(int index)
    {
        if (index < SubBuckets) return index;
        var shift = (index - SubBuckets) / SubBuckets;
        var top = SubBuckets + (index - SubBuckets) % SubBuckets;
        return ((long)(top + 1) << shift) - 1;
    }
}
