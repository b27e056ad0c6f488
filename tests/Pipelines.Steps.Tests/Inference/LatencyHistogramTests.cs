using Pipelines.Steps.Inference;

namespace Pipelines.Steps.Tests.Inference;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_are_within_a_thirty_second_of_the_exact_order_statistics()
    {
        var random = new Random(5);
        // Log-uniform latencies from 1 ns to about 1 s, the range a tick loop sees.
        var values = Enumerable.Range(0, 100_000).Select(_ => (long)Math.Exp(random.NextDouble() * Math.Log(1e9))).ToArray();
        var histogram = new LatencyHistogram();
        foreach (var value in values) histogram.Record(value);
        Array.Sort(values);

        Assert.Equal(values.Length, histogram.Count);
        Assert.Equal(values[^1], histogram.Max);
        foreach (var percentile in new[] { 0.0, 1, 50, 90, 99, 99.9, 100 })
        {
            // The exact value at that rank (nearest-rank definition), and the bucket bound reported for it.
            var exact = values[Math.Max(0, (int)Math.Ceiling(percentile / 100 * values.Length) - 1)];
            var reported = histogram.Percentile(percentile);
            Assert.InRange(reported, exact, Math.Max(exact, (long)(exact * (1 + 1.0 / 32)) + 1));
        }
    }

    [Fact]
    public void Small_values_are_exact_and_an_empty_histogram_reports_zero()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(0, histogram.Percentile(50));
        foreach (var value in new long[] { 3, 1, 2, 31, 7 }) histogram.Record(value);
        Assert.Equal(3, histogram.Percentile(50));
        Assert.Equal(31, histogram.Percentile(100));
        Assert.Equal(1, histogram.Percentile(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.Percentile(101));
    }
}
