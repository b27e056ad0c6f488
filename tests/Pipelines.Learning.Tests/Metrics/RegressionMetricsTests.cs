using Pipelines.Learning.Metrics;

namespace Pipelines.Learning.Tests.Metrics;

public class RegressionMetricsTests
{
    // scikit-learn documentation example: y_true = [3, -0.5, 2, 7], y_pred = [2.5, 0.0, 2, 8]
    // errors: 0.5, -0.5, 0, -1
    private static readonly double[] Actual = [3, -0.5, 2, 7];
    private static readonly double[] Predicted = [2.5, 0.0, 2, 8];

    [Fact]
    public void Squared_and_absolute_errors_match_hand_values()
    {
        Assert.Equal(0.375, RegressionMetrics.MeanSquaredError(Actual, Predicted), 12);       // (0.25+0.25+0+1)/4
        Assert.Equal(Math.Sqrt(0.375), RegressionMetrics.RootMeanSquaredError(Actual, Predicted), 12);
        Assert.Equal(0.5, RegressionMetrics.MeanAbsoluteError(Actual, Predicted), 12);        // (0.5+0.5+0+1)/4
    }

    [Fact]
    public void R_squared_matches_hand_value()
    {
        // mean = 11.5/4 = 2.875; SS_tot = 0.015625+11.390625+0.765625+17.015625 = 29.1875; SS_res = 1.5
        // R² = 1 - 1.5/29.1875 = 0.948608137...
        Assert.Equal(1.0 - 1.5 / 29.1875, RegressionMetrics.RSquared(Actual, Predicted), 12);
        Assert.Equal(0.9486081370449679, RegressionMetrics.RSquared(Actual, Predicted), 12);
    }

    [Fact]
    public void Mape_is_a_fraction_and_matches_scikit_learn_example()
    {
        // |0.5/3| + |0.5/0.5| + 0 + |1/7| = 0.16667 + 1 + 0.142857 = 1.3095238; / 4 = 0.32738095
        Assert.Equal(0.3273809523809524, RegressionMetrics.MeanAbsolutePercentageError(Actual, Predicted), 12);
    }

    [Fact]
    public void Mape_rejects_zero_targets()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            RegressionMetrics.MeanAbsolutePercentageError([1.0, 0.0], [1.0, 0.1]));
        Assert.Equal("actual", error.ParamName);
        Assert.Contains("element 1", error.Message);
    }

    [Fact]
    public void Constant_target_makes_r_squared_throw()
    {
        Assert.Throws<ArgumentException>(() => RegressionMetrics.RSquared([2.0, 2.0], [1.0, 3.0]));
    }

    [Fact]
    public void Bad_input_names_the_argument()
    {
        Assert.Equal("predicted",
            Assert.Throws<ArgumentException>(() => RegressionMetrics.MeanSquaredError([1.0], [1.0, 2.0])).ParamName);
        Assert.Equal("actual",
            Assert.Throws<ArgumentException>(() => RegressionMetrics.MeanAbsoluteError([double.NaN], [1.0])).ParamName);
        Assert.Equal("actual",
            Assert.Throws<ArgumentException>(() => RegressionMetrics.MeanAbsoluteError([], [])).ParamName);
    }
}
