using Pipelines.Learning.Drift;

namespace Pipelines.Learning.Tests.Drift;

public class DriftSeverityThresholdsTests
{
    [Theory]
    [InlineData(0.05, DriftSeverity.Low)]
    [InlineData(0.1, DriftSeverity.Medium)]
    [InlineData(0.19, DriftSeverity.Medium)]
    [InlineData(0.2, DriftSeverity.High)]
    [InlineData(0.25, DriftSeverity.Critical)]
    [InlineData(3.0, DriftSeverity.Critical)]
    public void Psi_defaults_grade_at_0_1_0_2_and_0_25(double psi, DriftSeverity expected)
    {
        Assert.Equal(expected, DriftSeverityThresholds.Psi.Classify(psi));
    }

    [Fact]
    public void Insignificant_ks_differences_are_low_whatever_their_size()
    {
        var thresholds = DriftSeverityThresholds.KolmogorovSmirnovStatistic;
        Assert.Equal(DriftSeverity.Low, thresholds.Classify(new KolmogorovSmirnovResult(0.6, 0.40, 2.2)));
        Assert.Equal(DriftSeverity.High, thresholds.Classify(new KolmogorovSmirnovResult(0.22, 0.001, 500)));
        Assert.Equal(DriftSeverity.Critical, thresholds.Classify(new KolmogorovSmirnovResult(0.3, 0.001, 500)));
    }

    [Fact]
    public void Unordered_thresholds_are_rejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new DriftSeverityThresholds(0.2, 0.1, 0.3));
        Assert.Equal("high", error.ParamName);
    }
}
