using Pipelines.Learning.Data;
using Pipelines.Learning.Linear;

namespace Pipelines.Learning.Tests.Linear;

public sealed class WeightedLinearTests
{
    /// <summary>The rows with every third row of weight 2, and the same rows with every third row written twice.</summary>
    private static (DenseDataset Weighted, DenseDataset Copied) WeightTwoAndTwice(DenseDataset data)
    {
        var heavy = Enumerable.Range(0, data.RowCount).Where(r => r % 3 == 0).ToArray();
        var labels = data.RequireLabels();
        var weighted = new DenseDataset(data.Values.ToArray(), data.RowCount, data.FeatureNames, labels,
            Enumerable.Range(0, data.RowCount).Select(r => r % 3 == 0 ? 2.0 : 1.0).ToArray());
        var copied = new DenseDataset([.. data.Values.ToArray(), .. heavy.SelectMany(r => data.Row(r).ToArray())], data.RowCount + heavy.Length,
            data.FeatureNames, [.. labels, .. heavy.Select(r => labels[r])]);
        return (weighted, copied);
    }

    [Theory]
    [InlineData(LinearObjective.Ridge)]
    [InlineData(LinearObjective.Logistic)]
    public void A_row_of_weight_two_fits_the_same_model_as_that_row_twice(LinearObjective objective)
    {
        var data = objective == LinearObjective.Ridge ? LinearData.Regression(150, 4) : LinearData.Classification(150, 4);
        var (weighted, copied) = WeightTwoAndTwice(data);
        var parameters = new LinearParameters { Objective = objective, L2 = 1, Standardize = false };

        var byWeight = LinearTrainer.Fit(weighted, parameters);
        var byCopies = LinearTrainer.Fit(copied, parameters);
        var unweighted = LinearTrainer.Fit(data, parameters);

        Assert.Equal(byCopies.Intercept, byWeight.Intercept, 8);
        for (var j = 0; j < byCopies.Weights.Length; j++) Assert.Equal(byCopies.Weights[j], byWeight.Weights[j], 8);
        Assert.NotEqual(unweighted.Intercept, byWeight.Intercept, 6);
    }

    [Fact]
    public void Continuing_a_ridge_model_with_a_weighted_row_equals_continuing_it_with_the_row_twice()
    {
        var start = LinearTrainer.Fit(LinearData.Regression(80, 5), new LinearParameters { Objective = LinearObjective.Ridge, L2 = 1, Standardize = false });
        var (weighted, copied) = WeightTwoAndTwice(LinearData.Regression(40, 6));

        var byWeight = LinearTrainer.PartialFit(start, weighted);
        var byCopies = LinearTrainer.PartialFit(start, copied);

        Assert.Equal(byCopies.Intercept, byWeight.Intercept, 8);
        for (var j = 0; j < byCopies.Weights.Length; j++) Assert.Equal(byCopies.Weights[j], byWeight.Weights[j], 8);
    }
}
