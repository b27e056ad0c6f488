using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Learning.Metrics;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Validate;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Report;

/// <summary>
/// One page a person would rather look at than read: the model's holdout metrics, the gate's verdict (a comparison
/// with the champion showing both models' figures, the margin and the confidence bound), a confusion matrix and ROC
/// curves (one per class for a multiclass model) or a predicted-vs-actual plot, the backtest when the pipeline ran
/// one (never a trading result the report made up itself), the drift table and the SHAP summary — self-contained HTML
/// with inline SVG.
/// </summary>
[Step("report/run", "Report", "Run report", Version = 3,
    Description = "Make a self-contained HTML report of a training run: metrics, gate verdict (with both models' figures, the margin and the confidence bound of a beats comparison), confusion matrix and ROC curve (one per class, against the rest, for multiclass) or predicted-vs-actual, the backtest/signal result when given (figures beside buy-and-hold with intervals and samples, folds, equity and drawdown, returns table), feature correlations with forward returns (from report/features), drift table and SHAP summary (inline SVG, no network assets).")]
public sealed class RunReportStep : Step<RunReportInputs, RunReportOutputs>
{
    /// <summary>Distinguishable line colours for the classes' curves; more classes than colours repeat them.</summary>
    private static readonly string[] Palette = ["#3b7dd8", "#e07b39", "#2e9e5b", "#c62828", "#8e5cc4", "#8c6d31", "#d4529c", "#17a2b8", "#6c757d", "#b5a300"];

    public override Task<RunReportOutputs> ExecuteAsync(RunReportInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (inputs.Backtest is not null && inputs.BacktestCurves is null) throw new StepInputException("backtest_curves", "give the backtest's curves with its metrics");
        if (inputs.Backtest is not null && inputs.BacktestReturns is null) throw new StepInputException("backtest_returns", "give the backtest's returns table with its metrics");
        if (inputs.Backtest is null && (inputs.BacktestCurves ?? inputs.BacktestReturns) is not null)
            throw new StepInputException("backtest", "give the backtest's metrics with its curves and returns");
        var metrics = ReadMetrics(context, inputs.Metrics);
        var objective = metrics.Task.ToString().ToLowerInvariant();
        var classes = metrics.Classes;

        using var connection = ParquetTableWriter.OpenScratch();
        var holdoutPath = context.OpenArtifact(inputs.Holdout);
        var holdoutColumns = TableReader.Describe(connection, holdoutPath).Select(c => c.Name).ToList();
        var predictionColumns = holdoutColumns.Where(c => c == "prediction" || (c.Length > 1 && c[0] == 'p' && char.IsDigit(c[1]))).ToList();
        if (!holdoutColumns.Contains("label") || !holdoutColumns.Contains("source_row") || predictionColumns.Count == 0)
            throw new StepInputException("holdout", "expected a train step's holdout table (source_row, label, prediction or p0..pk)");
        var block = TableReader.ReadNumeric(connection, holdoutPath, ["source_row", "label", .. predictionColumns], out var rows);
        var width = 2 + predictionColumns.Count;
        var sourceRows = Enumerable.Range(0, rows).Select(r => (int)block[r * width]).ToArray();
        var labels = Enumerable.Range(0, rows).Select(r => block[r * width + 1]).ToArray();
        var predictions = Enumerable.Range(0, rows).Select(r => block.AsSpan(r * width + 2, predictionColumns.Count).ToArray()).ToArray();

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(SvgCharts.Encode(inputs.Title))
            .Append("</title><style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:64rem}h1{font-size:1.5rem}")
            .Append("h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}table{border-collapse:collapse}td,th{padding:.25rem .6rem;border:1px solid #ddd;text-align:right}")
            .Append("th{background:#f4f4f4}.ok{color:#17803d}.bad{color:#c62828}.meta{color:#666}td.why{text-align:left}svg text{font-size:11px}</style></head><body>");
        html.Append("<h1>").Append(SvgCharts.Encode(inputs.Title)).Append("</h1><p class=\"meta\">")
            .Append(SvgCharts.Encode(F($"{objective} model on {metrics.Rows.Train} training rows, judged on the latest {rows} rows; training data {metrics.TrainingDataSha256[..12]}, model {metrics.ModelSha256[..12]}; run {context.RunId}.")))
            .Append("</p>");

        html.Append("<h2>Holdout metrics</h2>").Append(MetricsTable(metrics));
        if (inputs.Gate is not null) html.Append("<h2>Gate</h2>").Append(GateVerdictHtml.Render(ReadGate(context, inputs.Gate)));

        if (objective == "regression")
        {
            var points = Enumerable.Range(0, rows).Where(i => i % Math.Max(1, rows / 1500) == 0).Select(i => (labels[i], predictions[i][0])).ToList();
            html.Append("<h2>Predicted against actual</h2>").Append(SvgCharts.Scatter(points, "actual", "predicted"));
        }
        else
        {
            var classCount = Math.Max(2, predictionColumns.Count == 1 ? 2 : predictionColumns.Count);
            var predicted = predictions.Select(p => p.Length == 1 ? (p[0] >= 0.5 ? 1 : 0) : Array.IndexOf(p, p.Max())).ToArray();
            html.Append("<h2>Confusion matrix</h2>").Append(Confusion(labels.Select(l => (int)l).ToArray(), predicted, classCount, classes));
            html.Append(predictionColumns.Count == 1 ? "<h2>ROC curve</h2>" : "<h2>ROC curves, one per class</h2>").Append(RocCurves(labels, predictions, predictionColumns.Count, classes));
        }

        if (inputs.Backtest is not null)
        {
            var backtest = ReadJson(context, inputs.Backtest, "backtest");
            if (backtest["holdout"]?["sharpe_lower"] is null) throw new StepInputException("backtest", $"artifact {inputs.Backtest.ShortId} is not a backtest/signal metrics JSON");
            html.Append("<h2>Backtest, out of sample, after costs</h2>")
                .Append(BacktestSection.Render(backtest, ReadJson(context, inputs.BacktestCurves!, "backtest_curves"), context.OpenArtifact(inputs.BacktestReturns!)));
        }
        if (inputs.FeatureCorrelations is not null)
            html.Append("<h2>Features against forward returns</h2>").Append(FeatureCorrelationHtml.Render(FeatureCorrelationHtml.Read(context.OpenArtifact(inputs.FeatureCorrelations)), null));
        if (inputs.Drift is not null) html.Append("<h2>Drift</h2>").Append(DriftSection(ReadJson(context, inputs.Drift, "drift")));
        if (inputs.Shap is not null)
        {
            var shap = ReadJson(context, inputs.Shap, "shap");
            var bars = shap["mean_abs_shap"]?.AsArray().Select(n => ((string)n!["feature"]!, (double)n["value"]!)).ToList() ?? [];
            html.Append("<h2>What drives the decisions (mean |SHAP|)</h2>").Append(SvgCharts.Bars(bars));
        }
        html.Append("</body></html>\n");

        var staged = context.StageArtifact("report", "html");
        File.WriteAllText(staged.Path, html.ToString());
        return Task.FromResult(new RunReportOutputs { Report = context.CommitArtifact(staged) });
    }

    private static string MetricsTable(TrainingMetrics metrics)
    {
        var walk = metrics.WalkForward?.Mean;
        var html = new StringBuilder("<table><tr><th>metric</th><th>holdout</th>").Append(walk is null ? "" : "<th>walk-forward mean</th>").Append("</tr>");
        foreach (var (name, value) in metrics.Holdout)
            html.Append(F($"<tr><th>{SvgCharts.Encode(name)}</th><td>{Number(value)}</td>")).Append(walk is null ? "" : F($"<td>{Number(walk.GetValueOrDefault(name))}</td>")).Append("</tr>");
        return html.Append("</table>").ToString();
    }

    private static string Confusion(int[] actual, int[] predicted, int classes, IReadOnlyList<string> names)
    {
        var matrix = ConfusionMatrix.Compute(actual, predicted, classes);
        string Name(int c) => c < names.Count ? names[c] : c.ToString(CultureInfo.InvariantCulture);
        var total = Math.Max(1, actual.Length);
        var html = new StringBuilder("<table><tr><th>actual \\ predicted</th>");
        for (var c = 0; c < classes; c++) html.Append("<th>").Append(SvgCharts.Encode(Name(c))).Append("</th>");
        html.Append("</tr>");
        for (var a = 0; a < classes; a++)
        {
            html.Append("<tr><th>").Append(SvgCharts.Encode(Name(a))).Append("</th>");
            for (var p = 0; p < classes; p++)
            {
                var share = (double)matrix[a, p] / total;
                html.Append(F($"<td style=\"background:rgba(59,125,216,{Math.Min(0.85, share * 3):0.##})\">{matrix[a, p]}</td>"));
            }
            html.Append("</tr>");
        }
        return html.Append("</table>").ToString();
    }

    /// <summary>
    /// A binary model's one curve, or a multiclass model's curve per class against the rest, each named with its
    /// AUC, over the chance diagonal. A class with no holdout rows (or only those) has no curve and says so.
    /// </summary>
    private static string RocCurves(double[] labels, double[][] predictions, int columns, IReadOnlyList<string> names)
    {
        if (columns == 1)
        {
            var curve = RocCurve.Of(labels.Select(l => l >= 0.5).ToArray(), predictions.Select(p => p[0]).ToArray());
            return curve is null
                ? "<p>(the holdout rows hold one class only: no ROC curve)</p>"
                : RocChart([(F($"model (AUC {curve.Auc:0.000})"), Palette[0], curve.Points)]);
        }
        var series = new List<(string, string, IReadOnlyList<(double X, double Y)>)>();
        var without = new List<string>();
        for (var c = 0; c < columns; c++)
        {
            var name = c < names.Count ? names[c] : c.ToString(CultureInfo.InvariantCulture);
            if (RocCurve.OneVsRest(labels, predictions, c) is { } curve) series.Add((F($"{name} (AUC {curve.Auc:0.000})"), Palette[c % Palette.Length], curve.Points));
            else without.Add(name);
        }
        var note = without.Count == 0 ? ""
            : F($"<p class=\"meta\">No curve for {SvgCharts.Encode(string.Join(", ", without))}: the holdout rows are all or none of that class.</p>");
        return RocChart(series) + "<p class=\"meta\">Each class's probability against all the other classes (one-vs-rest).</p>" + note;
    }

    private static string RocChart(IEnumerable<(string Name, string Colour, IReadOnlyList<(double X, double Y)> Points)> curves) =>
        SvgCharts.Lines([.. curves, ("chance", "#bbb", [(0, 0), (1, 1)])], "false positive rate", "true positive rate", (0, 1), (0, 1));

    private static string DriftSection(JsonNode drift)
    {
        var html = new StringBuilder(F($"<p>Severity <b>{drift["severity"]}</b>; retrain: <b>{drift["retrain"]}</b></p>"))
            .Append("<table><tr><th>feature</th><th>PSI</th><th>KS</th><th>KS p</th><th>Wasserstein</th><th>JS</th><th>severity</th></tr>");
        foreach (var f in drift["features"]?.AsArray() ?? [])
            html.Append(F($"<tr><th>{SvgCharts.Encode((string)f!["feature"]!)}</th><td>{Number(f["psi"])}</td><td>{Number(f["ks_statistic"])}</td><td>{Number(f["ks_p_value"])}</td><td>{Number(f["wasserstein"])}</td><td>{Number(f["jensen_shannon"])}</td><td>{f["severity"]}</td></tr>"));
        return html.Append("</table>").ToString();
    }

    private static TrainingMetrics ReadMetrics(IStepContext context, Artifact artifact)
    {
        try
        {
            return TrainingMetrics.Load(context.OpenArtifact(artifact));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new StepInputException("metrics", $"artifact {artifact.ShortId} is not a train step's metrics.json: {e.Message}");
        }
    }

    private static JsonNode ReadJson(IStepContext context, Artifact artifact, string input)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(context.OpenArtifact(artifact))) ?? throw new StepInputException(input, "is empty");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new StepInputException(input, $"artifact {artifact.ShortId} is not JSON: {e.Message}");
        }
    }

    private static GateReport ReadGate(IStepContext context, Artifact artifact)
    {
        try
        {
            return GateReport.FromJson(File.ReadAllText(context.OpenArtifact(artifact)));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new StepInputException("gate", $"artifact {artifact.ShortId} is not a validate/gate report: {e.Message}");
        }
    }

    private static string Number(double? value) => value is null ? "" : value.Value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Number(JsonNode? value) => value is null ? "" : value.GetValue<double>().ToString("0.####", CultureInfo.InvariantCulture);
    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
