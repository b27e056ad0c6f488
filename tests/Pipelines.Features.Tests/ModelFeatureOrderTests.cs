using Pipelines.Steps.Features;

namespace Pipelines.Features.Tests;

public sealed class ModelFeatureOrderTests
{
    [Fact]
    public void A_row_is_gathered_in_the_models_order_whatever_the_tables_order()
    {
        // Two rows of columns (c, a, x, b); the model was trained on (a, b, c).
        double[] block = [3, 1, 99, 2,
                          30, 10, 99, 20];
        var order = new ModelFeatureOrder(["a", "b", "c"], ["c", "a", "x", "b"]);
        var row = new double[order.Count];

        order.Gather(block, 1, row);

        Assert.Equal(4, order.Width);
        Assert.Equal([10.0, 20, 30], row);
        order.Gather(block, 0, row);
        Assert.Equal([1.0, 2, 3], row);
    }

    [Fact]
    public void A_feature_the_columns_lack_is_named()
    {
        Assert.Equal("b", ModelFeatureOrder.FirstMissing(["a", "b"], ["a", "B"]));
        Assert.Null(ModelFeatureOrder.FirstMissing(["a"], ["b", "a"]));
        var error = Assert.Throws<ArgumentException>(() => new ModelFeatureOrder(["a", "b"], ["a"]));
        Assert.Contains("'b'", error.Message);
    }
}
