using System.Globalization;
using Pipelines.Abstractions;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Validate;

/// <summary>
/// A threshold with <c>by:</c>: the candidate's holdout rows are grouped by a column of the table it was trained on
/// (each holdout row's source_row locates it there), the metric is computed on each group's rows from the predictions
/// the train step recorded, and the threshold must hold in every group with at least min_rows rows — so a model
/// that is fine on average but fails in the HIGH regime does not pass. Every group gets its own check and reason.
/// </summary>
internal static class GroupedThreshold
{
    public static IReadOnlyList<GateCheck> Evaluate(GateRequirement requirement, int index, GateInputs inputs, string metricsJson, IStepContext context)
    {
        var field = $"require[{index}]";
        var by = requirement.By!;
        if (requirement.MinRows < 1) throw new StepInputException($"{field}.min_rows", "must be at least 1");
        var metrics = TrainingMetrics.TryParse(metricsJson)
            ?? throw new StepInputException("metrics", "by: needs a train step's metrics.json (its task and classes) to score each group");
        if (!ModelMetrics.Names(metrics.Task).Contains(requirement.Metric))
            throw new StepInputException($"{field}.metric",
                $"'{requirement.Metric}' is not a metric of {metrics.Task.ToString().ToLowerInvariant()} models; use one of {string.Join(", ", ModelMetrics.Names(metrics.Task))}");
        if (inputs.Holdout is null) throw new StepInputException("holdout", "by: needs the candidate's holdout predictions (the train step's holdout output)");
        if (inputs.Data is null) throw new StepInputException("data", "by: needs the table the candidate was trained on (the train step's input), where the groups are");
        if (metrics.TrainingDataSha256 != inputs.Data.Sha256)
            throw new StepInputException("data", $"table {inputs.Data.ShortId} is not the one the candidate was trained on ({metrics.TrainingDataSha256[..12]}); the holdout rows would not line up");

        using var connection = ParquetTableWriter.OpenScratch();
        var dataPath = context.OpenArtifact(inputs.Data);
        var dataColumns = TableReader.Describe(connection, dataPath).Select(c => c.Name).ToList();
        if (!dataColumns.Contains(by))
            throw new StepInputException($"{field}.by", $"column '{by}' is not in the training table (columns: {string.Join(", ", dataColumns)})");
        var groupOf = TableReader.ReadText(connection, dataPath, by);

        var outputs = metrics.Task == ModelTask.Multiclass ? metrics.Classes.Count : 1;
        var predictionColumns = outputs == 1 ? new List<string> { "prediction" } : Enumerable.Range(0, outputs).Select(c => $"p{c}").ToList();
        var holdoutPath = context.OpenArtifact(inputs.Holdout);
        var holdoutColumns = TableReader.Describe(connection, holdoutPath).Select(c => c.Name).ToList();
        var missing = new[] { "source_row", "label" }.Concat(predictionColumns).FirstOrDefault(c => !holdoutColumns.Contains(c));
        if (missing is not null) throw new StepInputException("holdout", $"the holdout table lacks column '{missing}'; pass the train step's holdout output");
        var width = 2 + outputs;
        var holdout = TableReader.ReadNumeric(connection, holdoutPath, ["source_row", "label", .. predictionColumns], out var rows);

        var groups = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        for (var r = 0; r < rows; r++)
        {
            var source = (long)holdout[r * width];
            if (source < 0 || source >= groupOf.Length)
                throw new StepInputException("data", $"holdout row {r} refers to row {source}, beyond the table's {groupOf.Length} rows");
            var group = groupOf[source] ?? "(none)";
            if (!groups.TryGetValue(group, out var members)) groups[group] = members = [];
            members.Add(r);
        }

        var checks = new List<GateCheck>();
        foreach (var (group, members) in groups)
        {
            var labels = members.Select(r => holdout[r * width + 1]).ToArray();
            var predictions = members.SelectMany(r => Enumerable.Range(0, outputs).Select(c => holdout[r * width + 2 + c])).ToArray();
            var check = new GateCheck { Metric = requirement.Metric, Min = requirement.Min, Max = requirement.Max, By = by, Group = group, Rows = members.Count, Passed = true };
            if (members.Count < requirement.MinRows)
            {
                checks.Add(check with { Reason = F($"{Label(requirement.Metric, by, group)}: {members.Count} holdout rows, fewer than min_rows {requirement.MinRows} — not judged") });
                continue;
            }
            var value = Value(metrics.Task, requirement.Metric, labels, predictions, metrics.Classes.Count);
            if (!double.IsFinite(value))
            {
                checks.Add(check with { Reason = F($"{Label(requirement.Metric, by, group)} is undefined on its {members.Count} holdout rows (e.g. a single class) — not judged") });
                continue;
            }
            var ok = (requirement.Min is not { } min || value >= min) && (requirement.Max is not { } max || value <= max);
            checks.Add(check with
            {
                Value = value, Passed = ok,
                Reason = F($"{Label(requirement.Metric, by, group)} = {value:0.######} {(ok ? "meets" : "FAILS")} {Bound(requirement)} ({members.Count} holdout rows)"),
            });
        }
        return checks;
    }

    public static string Label(string metric, string by, string group) => F($"{metric} [{by} = {group}]");

    private static double Value(ModelTask task, string metric, double[] labels, double[] predictions, int classes)
    {
        try
        {
            return ModelMetrics.Compute(task, metric, labels, predictions, classes);
        }
        catch (ArgumentException)
        {
            // A metric some group cannot have, such as AUC where every row is one class.
            return double.NaN;
        }
    }

    private static string Bound(GateRequirement requirement) => string.Join(" and ", new[]
    {
        requirement.Min is { } lo ? F($">= {lo}") : null,
        requirement.Max is { } hi ? F($"<= {hi}") : null,
    }.Where(b => b is not null));

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
