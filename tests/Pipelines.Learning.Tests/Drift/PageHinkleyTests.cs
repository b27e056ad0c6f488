using Pipelines.Learning.Drift;

namespace Pipelines.Learning.Tests.Drift;

public class PageHinkleyTests
{
    // With λ = 100 and a shift of one standard deviation, the upward sum grows by about 1 - δ per value once the
    // shift starts (the running mean lags far behind after 1000 old values), so it crosses λ after ~100 values
    // plus noise of sd ~ sqrt(100) = 10 around the minimum; 250 leaves ample margin.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Detects_an_upward_shift(int seed)
    {
        var random = new Random(seed);
        var detector = new PageHinkley(delta: 0.005, lambda: 100);
        for (int i = 0; i < 1000; i++)
            Assert.False(detector.Update(SampleStreams.Gaussian(random)), $"false alarm at {i}");
        int delay = 0;
        while (!detector.Update(1.0 + SampleStreams.Gaussian(random)))
        {
            delay++;
            Assert.True(delay < 250, "shift not detected within 250 values");
        }
        Assert.True(delay > 20, "an alarm this early cannot be driven by the shift");
    }

    [Fact]
    public void Watches_only_the_configured_direction()
    {
        var upOnly = new PageHinkley(lambda: 100, direction: PageHinkleyDirection.Increase);
        var downOnly = new PageHinkley(lambda: 100, direction: PageHinkleyDirection.Decrease);
        var random = new Random(7);
        for (int i = 0; i < 1000; i++)
        {
            double value = SampleStreams.Gaussian(random);
            upOnly.Update(value);
            downOnly.Update(value);
        }
        for (int i = 0; i < 1000; i++)
        {
            double value = -1.0 + SampleStreams.Gaussian(random);
            upOnly.Update(value);
            downOnly.Update(value);
        }
        Assert.Equal(0, upOnly.DetectionCount);
        Assert.True(downOnly.DetectionCount >= 1);
    }

    [Fact]
    public void Starts_afresh_after_an_alarm()
    {
        var detector = new PageHinkley(delta: 0, lambda: 5, minInstances: 1, direction: PageHinkleyDirection.Increase);
        // 0, 0, then 10: mean 10/3, deviation 6.67 > 5 -> alarm on the third value
        Assert.False(detector.Update(0));
        Assert.False(detector.Update(0));
        Assert.True(detector.Update(10));
        Assert.False(detector.Update(10)); // a single value after the reset has zero deviation from its own mean
        Assert.Equal(1, detector.Count);
    }

    [Fact]
    public void Bad_parameters_are_rejected()
    {
        Assert.Equal("lambda", Assert.Throws<ArgumentOutOfRangeException>(() => new PageHinkley(lambda: 0)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new PageHinkley(alpha: 1.5)).ParamName);
    }
}
