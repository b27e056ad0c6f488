using Pipelines.Learning.Linear;
using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Tests.Linear;

public sealed class LinearModelFileTests
{
    private static LinearModel Logistic() => LinearTrainer.Fit(LinearData.Classification(200, 7), new LinearParameters { L2 = 2 });

    [Fact]
    public void A_saved_model_loads_with_the_same_predictions_and_state()
    {
        foreach (var model in new[] { Logistic(), LinearTrainer.Fit(LinearData.Regression(100, 8), new LinearParameters { Objective = LinearObjective.Ridge, Standardize = false }) })
        {
            var path = Path.Combine(Path.GetTempPath(), $"linear-{Guid.NewGuid():N}.json");
            try
            {
                LinearModelFile.Save(model, path);
                Assert.True(LinearModelFile.LooksLikeLinearModel(path));
                var loaded = LinearModelFile.Load(path);
                Assert.Equal(model.Objective, loaded.Objective);
                Assert.Equal(model.FeatureNames, loaded.FeatureNames);
                Assert.Equal(model.SamplesSeen, loaded.SamplesSeen);
                Assert.Equal(model.L2, loaded.L2);
                Assert.Equal(model.Scaler is null, loaded.Scaler is null);
                double[] row = [0.3, 1.7, -0.2];
                // The JSON writer prints doubles round-trippably, so the loaded model predicts the same bits.
                Assert.Equal(model.Predict(row), loaded.Predict(row));
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1, 2]", "not a JSON object")]
    [InlineData("""{ "format": "other" }""", "field 'format' is 'other'")]
    [InlineData("""{ "format": "pipelines-linear", "version": 9 }""", "field 'version' is 9")]
    public void Foreign_documents_are_refused(string json, string expected)
    {
        var error = Assert.Throws<ModelFormatException>(() => LinearModelFile.Parse(json, "model.json"));
        Assert.StartsWith("model.json: ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("\"objective\": \"logistic\"", "\"objective\": \"poisson\"", "field 'objective' is 'poisson'")]
    [InlineData("\"samples_seen\": 200", "\"samples_seen\": -3", "field 'samples_seen' is -3")]
    [InlineData("\"l2\": 2", "\"l2\": -1", "field 'l2' is -1")]
    [InlineData("\"intercept\":", "\"intercept_\":", "field 'intercept' is missing")]
    [InlineData("\"features\": [", "\"features\": [\"extra\", ", "field 'weights' has 3 entries, expected 4")]
    [InlineData("\"iterate\": [", "\"iterate\": [1, ", "field 'online.iterate' has 5 entries, expected 4")]
    [InlineData("\"scale\": [", "\"scale\": [0, ", "field 'scaler.scale' has 4 entries")]
    public void Damaged_fields_are_named(string original, string replacement, string expected)
    {
        var json = LinearModelFile.ToJson(Logistic());
        Assert.Contains(original, json);
        var error = Assert.Throws<ModelFormatException>(() => LinearModelFile.Parse(json.Replace(original, replacement), "model.json"));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_non_positive_scale_and_a_duplicate_feature_are_refused()
    {
        var json = LinearModelFile.ToJson(Logistic());
        var start = json.IndexOf("\"scale\": [", StringComparison.Ordinal) + "\"scale\": [".Length;
        var end = json.IndexOf(',', start);
        var zeroScale = json[..start] + "0" + json[end..];
        Assert.Contains("scaler.scale[0] is 0", Assert.Throws<ModelFormatException>(() => LinearModelFile.Parse(zeroScale)).Message);

        var duplicate = json.Replace("\"b\"", "\"a\"");
        Assert.Contains("names a feature twice", Assert.Throws<ModelFormatException>(() => LinearModelFile.Parse(duplicate)).Message);
    }
}
