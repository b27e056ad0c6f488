using Pipelines.Learning.Metrics;

namespace Pipelines.Learning.Tests.Metrics;

public sealed class PairedBootstrapTests
{
    [Fact]
    public void A_constant_improvement_is_certain()
    {
        var result = PairedBootstrap.Test(Enumerable.Repeat(0.3, 50).ToArray());
        Assert.Equal(0.3, result.MeanImprovement, 12);
        Assert.Equal(0.3, result.LowerBound, 12);
        Assert.Equal(0.0, result.PValue);
    }

    [Fact]
    public void No_difference_on_average_is_not_significant()
    {
        // Symmetric around zero: half the resample means fall at or below zero.
        var differences = Enumerable.Range(0, 400).Select(i => i % 2 == 0 ? 1.0 : -1.0).ToArray();
        var result = PairedBootstrap.Test(differences);
        Assert.Equal(0.0, result.MeanImprovement, 12);
        Assert.InRange(result.PValue, 0.4, 0.6);
        Assert.True(result.LowerBound < 0);
    }

    [Fact]
    public void A_small_consistent_gain_is_detected_and_a_margin_can_hide_it()
    {
        var random = new Random(3);
        var differences = Enumerable.Range(0, 500).Select(_ => 0.05 + (random.NextDouble() - 0.5) * 0.2).ToArray();
        var plain = PairedBootstrap.Test(differences);
        Assert.True(plain.PValue < 0.01 && plain.LowerBound > 0);
        var demanding = PairedBootstrap.Test(differences, margin: 0.08);
        Assert.True(demanding.PValue > 0.9);
    }

    [Fact]
    public void The_same_seed_gives_the_same_decision_and_bad_input_is_refused()
    {
        var differences = Enumerable.Range(0, 100).Select(i => Math.Sin(i) * 0.1 + 0.01).ToArray();
        Assert.Equal(PairedBootstrap.Test(differences, seed: 7), PairedBootstrap.Test(differences, seed: 7));
        Assert.Throws<ArgumentException>(() => PairedBootstrap.Test([]));
        Assert.Throws<ArgumentException>(() => PairedBootstrap.Test([double.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PairedBootstrap.Test([1.0], resamples: 10));
    }
}
