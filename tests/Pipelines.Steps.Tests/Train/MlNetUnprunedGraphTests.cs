using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines.Learning.Onnx;

namespace Pipelines.Steps.Tests.Train;

/// <summary>
/// ML.NET's converter left to itself publishes the raw score, the calibrated probability and a predicted label side
/// by side; our reader takes the probability as the model's prediction (the Sigmoid of the rescaled score), so such a
/// file, exported by hand with ML.NET rather than by train/mlnet, reads as the calibrated binary model it is.
/// </summary>
public sealed class MlNetUnprunedGraphTests
{
    private sealed class Row
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    [Fact]
    public void A_calibrated_FastTree_with_every_output_reads_as_its_probability()
    {
        var random = new Random(9);
        var rows = Enumerable.Range(0, 300).Select(_ =>
        {
            var f = new[] { (float)random.NextDouble(), (float)random.NextDouble() };
            return new Row { Features = f, Label = f[0] + 0.3 * random.NextDouble() > 0.6 };
        }).ToList();
        var ml = new MLContext(1);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 2);
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        var model = ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 20, numberOfLeaves: 8).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.ConvertToOnnx(model, data, stream);

        var trees = OnnxTreeEnsembleReader.Read(stream.ToArray(), "fast-tree.onnx");
        var expected = model.Transform(data).GetColumn<float>("Probability").ToArray();
        var output = new double[1];
        for (var r = 0; r < rows.Count; r++)
        {
            trees.Predict([rows[r].Features[0], rows[r].Features[1]], output);
            Assert.Equal(expected[r], output[0], 5);
        }
        Assert.Contains(expected, p => p is > 0.05f and < 0.95f);
    }
}
