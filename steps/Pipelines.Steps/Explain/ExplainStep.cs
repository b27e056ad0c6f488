using Pipelines.DuckDb;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Learning.Explain;
using Pipelines.Learning.Trees;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Train;
using Pipelines.Steps.Train.Ensemble;

namespace Pipelines.Steps.Explain;

/// <summary>
/// Explains a registered model's decisions with exact SHAP values (TreeSHAP for tree ensembles, the closed form for
/// linear models, their combination for train/ensemble models; see <see cref="EnsembleShapExplainer"/>) or, for any
/// other model (an imported ONNX network, an ensemble stacked by a LightGBM meta-learner), Kernel SHAP with each value's
/// standard error: which features drove each decision (top k), which matter overall and per group (e.g. per regime),
/// with a report a person can read in a browser.
/// </summary>
[Step("explain/shap", "Explain", "Explain with SHAP", Cacheable = false,
    Description = "Explain a registered model's decisions on a table with exact SHAP values (TreeSHAP for trees, the closed form for linear models) or, for other models such as imported ONNX networks, Kernel SHAP (seeded coalitions over a k-means background, each value with its standard error): per-decision top-k contributions, global mean |SHAP| overall and by group, and an HTML report with SVG charts.")]
public sealed class ExplainStep : Step<ExplainInputs, ExplainOutputs>
{
    public override Task<ExplainOutputs> ExecuteAsync(ExplainInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (inputs.TopK < 1) throw new StepInputException("top_k", "must be at least 1");
        if (inputs.MaxRows < 1) throw new StepInputException("max_rows", "must be at least 1");
        var version = context.Registry.Find(inputs.Model, inputs.Alias)
            ?? throw new StepInputException("model", $"model '{inputs.Model}' has no '{inputs.Alias}'");
        var model = context.LoadModel(version.Model);
        // An ensemble stacked by LightGBM has no exact values from its members' and is explained as a whole, as ONNX models are.
        var byKernel = model.Ensemble is { } whole ? whole.MetaTrees is not null : model.Onnx is not null;
        if (byKernel) KernelShapStep.Check(inputs, model);
        var features = model.FeatureNames;
        var classes = model.Onnx?.OutputLabels is { Count: > 0 } declared ? declared : TrainingMetrics.TryParse(version.MetricsJson)?.Classes;
        string ClassName(int c) => classes is { Count: > 0 } && model.Outputs > 1 && c < classes.Count ? classes[c] : model.Outputs == 1 ? "score" : $"class {c}";

        using var connection = ParquetTableWriter.OpenScratch();
        var path = context.OpenArtifact(inputs.Data);
        var columns = TableReader.Describe(connection, path).Select(c => c.Name).ToHashSet();
        var missing = features.FirstOrDefault(f => !columns.Contains(f));
        if (missing is not null) throw new StepInputException("data", $"the table lacks the model's feature '{missing}'");
        if (inputs.By is { } by && !columns.Contains(by)) throw new StepInputException("by", $"column '{by}' is not in the table");

        var all = TableReader.ReadNumeric(connection, path, features.ToList(), out var totalRows);
        var groups = inputs.By is null ? null : TableReader.ReadText(connection, path, inputs.By);
        var first = Math.Max(0, totalRows - inputs.MaxRows);
        var rows = totalRows - first;

        // Trees, linear models and ensembles of them have exact values; any other model is explained by Kernel SHAP,
        // each value with its standard error.
        IShapExplainer explainer = byKernel ? KernelShapStep.Explainer(inputs, model, all, connection, context)
            : model.Ensemble is { } ensemble ? EnsembleExplainer(ensemble, ColumnMeans(all, features.Count, first, rows), version)
            : model.Trees is { } trees ? new TreeShapExplainer(trees)
            : new LinearShapExplainer(model.Linear!, ColumnMeans(all, features.Count, first, rows));
        var kernel = explainer as KernelShapExplainer;
        var errors = kernel is null ? null : new double[model.Outputs * features.Count];
        var width = features.Count + 1;
        var outputs = model.Outputs;
        var contributions = new double[explainer.ContributionLength];
        var top = new FeatureContribution[Math.Min(inputs.TopK, features.Count)];
        var totals = new double[outputs, features.Count];
        var errorTotals = new double[outputs, features.Count];
        var groupTotals = new Dictionary<string, (double[,] Sum, int Count)>();
        connection.Execute("CREATE TABLE decisions (row_index BIGINT, class VARCHAR, rank INTEGER, feature VARCHAR, value DOUBLE, shap DOUBLE, shap_error DOUBLE)");
        using (var appender = new ChunkAppender(connection, "decisions"))
        {
            for (var r = 0; r < rows; r++)
            {
                if (r % 256 == 0) cancellationToken.ThrowIfCancellationRequested();
                var row = all.AsSpan((first + r) * features.Count, features.Count);
                if (kernel is not null)
                {
                    kernel.Explain(row, contributions, errors);
                    for (var c = 0; c < outputs; c++)
                        for (var f = 0; f < features.Count; f++) errorTotals[c, f] += errors![c * features.Count + f];
                }
                else explainer.Explain(row, contributions);
                var group = groups?[first + r] ?? "";
                if (groups is not null && !groupTotals.ContainsKey(group)) groupTotals[group] = (new double[outputs, features.Count], 0);
                for (var c = 0; c < outputs; c++)
                {
                    var values = contributions.AsSpan(c * width, features.Count);
                    for (var f = 0; f < features.Count; f++)
                    {
                        totals[c, f] += Math.Abs(values[f]);
                        if (groups is not null) groupTotals[group].Sum[c, f] += Math.Abs(values[f]);
                    }
                    var count = TreeShapExplainer.TopContributions(values, top.Length, top);
                    for (var k = 0; k < count; k++)
                    {
                        appender.Add((long)(first + r)).Add(ClassName(c)).Add(k + 1).Add(features[top[k].Feature]).Add(row[top[k].Feature])
                            .Add(top[k].Value);
                        if (errors is null) appender.AddNull();
                        else appender.Add(errors[c * features.Count + top[k].Feature]);
                        appender.EndRow();
                    }
                }
                if (groups is not null) groupTotals[group] = (groupTotals[group].Sum, groupTotals[group].Count + 1);
            }
        }
        var decisions = context.StageArtifact("explanations", "parquet");
        connection.Execute($"COPY decisions TO {SqlText.Literal(decisions.Path)} (FORMAT parquet)");

        var overall = Enumerable.Range(0, features.Count)
            .Select(f => (Feature: features[f], Mean: Enumerable.Range(0, outputs).Sum(c => totals[c, f]) / Math.Max(1, rows)))
            .OrderByDescending(x => x.Mean).ToList();
        var global = new JsonObject
        {
            ["model"] = version.Name, ["version"] = version.Version, ["model_sha256"] = version.Model.Sha256, ["rows"] = rows,
            ["expected_values"] = new JsonArray(explainer.ExpectedValues.Select(v => (JsonNode)v).ToArray()),
            ["mean_abs_shap"] = new JsonArray(overall.Select(x => (JsonNode)new JsonObject { ["feature"] = x.Feature, ["value"] = x.Mean }).ToArray()),
            ["by_class"] = new JsonObject(Enumerable.Range(0, outputs).Select(c => new KeyValuePair<string, JsonNode?>(ClassName(c),
                new JsonObject(Enumerable.Range(0, features.Count).Select(f => new KeyValuePair<string, JsonNode?>(features[f], totals[c, f] / Math.Max(1, rows))))))),
        };
        if (kernel is not null)
            global["kernel_shap"] = KernelShapStep.Summary(kernel, features, ClassName, errorTotals, rows);
        if (groups is not null)
            global["by_group"] = new JsonObject(groupTotals.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new KeyValuePair<string, JsonNode?>(g.Key,
                new JsonObject(Enumerable.Range(0, features.Count).Select(f => new KeyValuePair<string, JsonNode?>(features[f],
                    Enumerable.Range(0, outputs).Sum(c => g.Value.Sum[c, f]) / Math.Max(1, g.Value.Count)))))));
        var globalFile = context.StageArtifact("explanations", "json");
        File.WriteAllText(globalFile.Path, global.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        var report = context.StageArtifact("report", "html");
        File.WriteAllText(report.Path, ShapReport.Html(version, overall, groupTotals.ToDictionary(g => g.Key,
            g => (IReadOnlyList<(string, double)>)Enumerable.Range(0, features.Count)
                .Select(f => (features[f], Enumerable.Range(0, outputs).Sum(c => g.Value.Sum[c, f]) / Math.Max(1, g.Value.Count))).ToList()),
            inputs.By, rows));
        context.Log.Information("Explained {Rows} decisions of {Model} v{Version}; top features {Top}", rows, version.Name, version.Version,
            string.Join(", ", overall.Take(3).Select(o => o.Feature)));
        return Task.FromResult(new ExplainOutputs
        {
            Global = context.CommitArtifact(globalFile), Decisions = context.CommitArtifact(decisions), Report = context.CommitArtifact(report),
            TopFeatures = overall.Select(o => o.Feature).ToList(),
        });
    }

    private static EnsembleShapExplainer EnsembleExplainer(EnsembleModel ensemble, double[] background, ModelVersion version)
    {
        try
        {
            return new EnsembleShapExplainer(ensemble, background);
        }
        catch (ArgumentException e)
        {
            throw new StepInputException("model", $"model '{version.Name}' v{version.Version} is an ensemble ({ensemble.EnsembleKind.ToString().ToLowerInvariant()}) that SHAP cannot explain here: {e.Message}");
        }
    }

    // The background a linear model without a stored scaler is explained against: the mean of the explained rows,
    // skipping missing values.
    private static double[] ColumnMeans(double[] values, int width, int firstRow, int rows)
    {
        var means = new double[width];
        for (var f = 0; f < width; f++)
        {
            double sum = 0;
            var count = 0;
            for (var r = firstRow; r < firstRow + rows; r++)
            {
                var value = values[r * width + f];
                if (double.IsNaN(value)) continue;
                sum += value;
                count++;
            }
            means[f] = count == 0 ? 0 : sum / count;
        }
        return means;
    }
}
