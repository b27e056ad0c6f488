using Pipelines.Learning.Tests.Data;
using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Tests.Trees;

public sealed class LightGbmModelWriterTests
{
    [Theory]
    [InlineData("binary")]
    [InlineData("regression")]
    [InlineData("multiclass")]
    public void LightGBM_models_round_trip_through_the_writer(string kind)
    {
        var original = LightGbmModelReader.Load(Fixtures.LightGbm($"model-{kind}.txt"));
        var text = LightGbmModelWriter.ToText(original);
        var copy = LightGbmModelReader.Parse(text);
        Assert.Equal(text, LightGbmModelWriter.ToText(copy));
        var test = Fixtures.ReadCsv($"test-{kind}.csv");
        var raw = Fixtures.ReadTable($"raw-{kind}.txt");
        var output = new double[copy.TreesPerIteration];
        for (int r = 0; r < test.RowCount; r++)
        {
            copy.PredictRaw(test.Row(r), output);
            for (int c = 0; c < output.Length; c++) Fixtures.AssertClose(raw[r][c], output[c], 1e-12, $"row {r} class {c}");
        }
    }
}
