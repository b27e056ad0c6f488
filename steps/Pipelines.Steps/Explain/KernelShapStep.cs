using System.Globalization;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using Pipelines.Abstractions;
using Pipelines.Learning.Explain;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Explain;

/// <summary>
/// explain/shap's Kernel SHAP path, for models with no exact explainer (an imported ONNX network, ML.NET's linear
/// models, an ensemble stacked by a LightGBM meta-learner, scored as a whole): ONNX Runtime scores the coalitions in
/// batches (the ensemble row by row), the background is the given table (or the explained rows) summarised by k-means,
/// and the global report says how the values were estimated and how large their errors are.
/// </summary>
internal static class KernelShapStep
{
    public static void Check(ExplainInputs inputs, PredictiveModel model)
    {
        if (model.Onnx?.Task == ModelTask.Clustering)
            throw new StepInputException("model", "a k-means model predicts a cluster's index, which has no SHAP values to share out; explain the models trained per regime instead");
        if (model.FeatureNames.Count < 2)
            throw new StepInputException("model", "Kernel SHAP shares a prediction among two or more features; with one feature its value is the prediction minus the mean prediction");
        if (inputs.BackgroundSize < 1) throw new StepInputException("background_size", "must be at least 1");
        if (inputs.Coalitions < 2 * model.FeatureNames.Count)
            throw new StepInputException("coalitions", string.Create(CultureInfo.InvariantCulture, $"must be at least {2 * model.FeatureNames.Count} (twice the model's {model.FeatureNames.Count} features), got {inputs.Coalitions}"));
        if (inputs.Seed < 0) throw new StepInputException("seed", "must not be negative");
    }

    /// <summary>Kernel SHAP over any model: ONNX Runtime's batches, or a model scored row by row (an ensemble as a whole).</summary>
    public static KernelShapExplainer Explainer(ExplainInputs inputs, PredictiveModel model, double[] explainedRows, DuckDBConnection connection, IStepContext context)
    {
        var features = model.FeatureNames;
        var rows = explainedRows;
        if (inputs.Background is { } table)
        {
            var path = context.OpenArtifact(table);
            var columns = TableReader.Describe(connection, path).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            if (features.FirstOrDefault(f => !columns.Contains(f)) is { } missing)
                throw new StepInputException("background", $"the background table lacks the model's feature '{missing}'");
            rows = TableReader.ReadNumeric(connection, path, features.ToList(), out _);
        }
        ShapBackground background;
        try
        {
            background = ShapBackground.KMeans(rows, features.Count, inputs.BackgroundSize, (ulong)inputs.Seed);
        }
        catch (ArgumentException e)
        {
            throw new StepInputException(inputs.Background is null ? "data" : "background", e.Message);
        }
        var options = new KernelShapOptions { MaxCoalitions = inputs.Coalitions, Seed = (ulong)inputs.Seed };
        var explainer = new KernelShapExplainer(model.Onnx is { } onnx ? onnx.PredictBatch : RowByRow(model), features.Count, model.Outputs, background, options);
        context.Log.Information("Kernel SHAP over {Background}; {Coalitions} coalitions per row ({Mode})", background.Summary, explainer.CoalitionCount,
            explainer.Enumerates ? "all of them: exact for the background" : "sampled in pairs, seed " + inputs.Seed.ToString(CultureInfo.InvariantCulture));
        return explainer;
    }

    private static BatchPredictor RowByRow(PredictiveModel model)
    {
        var width = model.FeatureNames.Count;
        var outputs = model.Outputs;
        return (rows, rowCount, predictions) =>
        {
            for (var r = 0; r < rowCount; r++) model.Predict(rows.Slice(r * width, width), predictions.Slice(r * outputs, outputs));
        };
    }

    /// <summary>How the values were estimated, and the mean standard error over the explained rows per output and feature.</summary>
    public static JsonObject Summary(KernelShapExplainer explainer, IReadOnlyList<string> features, Func<int, string> className, double[,] errorTotals, int rows) => new()
    {
        ["method"] = explainer.Enumerates ? "kernel_shap_exact" : "kernel_shap_sampled",
        ["coalitions"] = explainer.CoalitionCount,
        ["background"] = explainer.Background.Summary,
        ["expected_value_is"] = "the mean model output over the background",
        ["mean_standard_error"] = new JsonObject(Enumerable.Range(0, explainer.ClassCount).Select(c => new KeyValuePair<string, JsonNode?>(className(c),
            new JsonObject(Enumerable.Range(0, features.Count)
                .Select(f => new KeyValuePair<string, JsonNode?>(features[f], errorTotals[c, f] / Math.Max(1, rows))))))),
    };
}
