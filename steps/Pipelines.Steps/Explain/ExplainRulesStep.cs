using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipelines.Abstractions;
using Pipelines.Learning.Data;
using Pipelines.Learning.Rules;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Explain;

/// <summary>
/// Turns a classifier, or the labels it learned, into rules a person can read and check (see
/// <see cref="ShallowTreeRules"/>), keeping only those the holdout bears out.
/// </summary>
[Step("explain/rules", "Explain", "Readable rules",
    Description = "Fit one shallow LightGBM tree (max_depth, min_data_in_leaf; one per class against the rest beyond two classes) to a classifier's labels or its predicted class, read each leaf as a rule (IF natr_30 > 0.0041 AND roc_5 <= -0.0012 THEN HIGH — 412 rows, precision 0.71 on holdout), check every rule on the train step's holdout rows, keep those whose holdout precision and rows reach the declared minimums, and write them as YAML and Markdown.")]
public sealed class ExplainRulesStep : Step<ExplainRulesInputs, ExplainRulesOutputs>
{
    public override Task<ExplainRulesOutputs> ExecuteAsync(ExplainRulesInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (inputs.Problems().FirstOrDefault() is { } problem) throw problem.ToException();
        TrainingMetrics metrics;
        try
        {
            metrics = TrainingMetrics.Load(context.OpenArtifact(inputs.Metrics));
        }
        catch (JsonException e)
        {
            throw new StepInputException("metrics", $"artifact {inputs.Metrics.ShortId} is not a train step's metrics.json: {e.Message}");
        }
        if (metrics.Task == ModelTask.Regression) throw new StepInputException("metrics", "the model is a regression; rules say which class a row belongs to, so explain/rules needs a classifier");

        using var connection = ParquetTableWriter.OpenScratch();
        var table = TrainingTable.Load(connection, context.OpenArtifact(inputs.Data), metrics.Target, metrics.Features, [], metrics.Task);
        if (!table.Classes.SequenceEqual(metrics.Classes))
            throw new StepInputException("data", $"its '{metrics.Target}' classes ({string.Join(", ", table.Classes)}) are not the model's ({string.Join(", ", metrics.Classes)}): is it the table the model was trained on?");
        var index = new Dictionary<int, int>();
        for (var i = 0; i < table.Rows; i++) index[table.SourceRows[i]] = i;

        var holdout = Predictions(connection, context.OpenArtifact(inputs.Holdout), "holdout", table.Classes.Count, index);
        if (holdout.Rows.Length == 0)
            throw new StepInputException("holdout", "has no rows: a model with no holdout has nothing to check rules on; train it with test_fraction above 0");

        DenseDataset fit, check;
        string fitted;
        if (inputs.FitTo == RulesTarget.Labels)
        {
            var firstHoldout = holdout.Rows.Min();
            var before = Enumerable.Range(0, table.Rows).Where(i => i < firstHoldout).ToArray();
            fit = Subset(table, before, before.Select(i => table.Labels[i]).ToArray());
            check = Subset(table, holdout.Rows, holdout.Rows.Select(i => table.Labels[i]).ToArray());
            fitted = string.Create(CultureInfo.InvariantCulture, $"the labels of '{metrics.Target}' on the {before.Length} rows before the holdout");
        }
        else
        {
            var walkForward = Predictions(connection, context.OpenArtifact(inputs.OutOfSample!), "out_of_sample", table.Classes.Count, index, "walk_forward");
            if (walkForward.Rows.Length == 0)
                throw new StepInputException("out_of_sample", "has no walk-forward rows to fit on: train the model with folds (2 or more)");
            fit = Subset(table, walkForward.Rows, walkForward.Classes);
            check = Subset(table, holdout.Rows, holdout.Classes);
            fitted = string.Create(CultureInfo.InvariantCulture, $"the model's predicted class on its {walkForward.Rows.Length} walk-forward rows, checked against its holdout predictions");
        }
        if (fit.RowCount < 2 * inputs.MinDataInLeaf)
            throw new StepInputException("min_data_in_leaf", $"{fit.RowCount} rows to fit on cannot make two leaves of {inputs.MinDataInLeaf}");
        cancellationToken.ThrowIfCancellationRequested();

        var rules = ShallowTreeRules.Extract(fit, check, table.Classes, inputs.MaxDepth, inputs.MinDataInLeaf, inputs.Seed);
        bool Kept(DecisionRule r) => r.HoldoutRows >= inputs.MinHoldoutRows && r.HoldoutPrecision >= inputs.MinHoldoutPrecision;
        var kept = rules.Where(Kept).ToList();

        var yaml = context.StageArtifact("rules", "yaml");
        File.WriteAllText(yaml.Path, Yaml(rules, Kept, inputs, fitted, check.RowCount));
        var markdown = context.StageArtifact("report", "md");
        File.WriteAllText(markdown.Path, Markdown(rules, Kept, inputs, fitted, check.RowCount, metrics.Target));
        context.Log.Information("{Kept} of {Found} rules kept (holdout precision >= {Precision} on >= {Rows} rows)", kept.Count, rules.Count, inputs.MinHoldoutPrecision, inputs.MinHoldoutRows);
        return Task.FromResult(new ExplainRulesOutputs
        {
            Rules = context.CommitArtifact(yaml), Markdown = context.CommitArtifact(markdown), Kept = kept.Select(r => r.ToString()).ToList(), Found = rules.Count,
        });
    }

    /// <summary>Rows of a predictions table (source_row, prediction or p0..pk) as training-table rows and predicted classes.</summary>
    private static (int[] Rows, double[] Classes) Predictions(DuckDB.NET.Data.DuckDBConnection connection, string path, string field, int classes,
        Dictionary<int, int> index, string? part = null)
    {
        var columns = TableReader.Describe(connection, path).Select(c => c.Name).ToList();
        var outputs = columns.Contains("prediction") ? ["prediction"] : columns.Where(c => c.Length > 1 && c[0] == 'p' && c[1..].All(char.IsDigit)).ToList();
        if (!columns.Contains("source_row") || outputs.Count == 0 || (part is not null && !columns.Contains("part")))
            throw new StepInputException(field, $"expected a train step's {field} table (source_row, {(part is null ? "" : "part, ")}prediction or p0..pk); columns: {string.Join(", ", columns)}");
        var filter = part is null ? "" : $" WHERE part = {SqlText.Literal(part)}";
        var rows = new List<int>();
        var predicted = new List<double>();
        foreach (var row in connection.Rows($"SELECT source_row, {string.Join(", ", outputs.Select(SqlText.Identifier))} FROM read_parquet({SqlText.Literal(path)}){filter} ORDER BY source_row"))
        {
            var source = (int)Convert.ToInt64(row[0], CultureInfo.InvariantCulture);
            if (!index.TryGetValue(source, out var at))
                throw new StepInputException(field, $"source_row {source} is not a labelled row of data: is it the table the model was trained on?");
            var p = row.Skip(1).Select(v => v is null ? double.NaN : Convert.ToDouble(v, CultureInfo.InvariantCulture)).ToArray();
            rows.Add(at);
            predicted.Add(p.Length == 1 ? (p[0] >= 0.5 ? 1 : 0) : Array.IndexOf(p, p.Max()));
        }
        if (outputs.Count > 1 && outputs.Count != classes) throw new StepInputException(field, $"has {outputs.Count} prediction columns for {classes} classes");
        return ([.. rows], [.. predicted]);
    }

    private static DenseDataset Subset(TrainingTable table, int[] rows, double[] labels)
    {
        var width = table.Features.Count;
        var values = new double[rows.Length * width];
        for (var i = 0; i < rows.Length; i++) Array.Copy(table.Values, (long)rows[i] * width, values, (long)i * width, width);
        return new DenseDataset(values, rows.Length, table.Features, labels);
    }

    private static string Yaml(IReadOnlyList<DecisionRule> rules, Func<DecisionRule, bool> kept, ExplainRulesInputs inputs, string fitted, int holdoutRows)
    {
        static string Q(string text) => JsonSerializer.Serialize(text);
        static string N(double value) => double.IsNaN(value) ? ".nan" : value.ToString("R", CultureInfo.InvariantCulture);
        var yaml = new StringBuilder()
            .Append("fitted_to: ").Append(Q(fitted)).Append('\n')
            .Append(F($"max_depth: {inputs.MaxDepth}\nmin_data_in_leaf: {inputs.MinDataInLeaf}\nmin_holdout_precision: {N(inputs.MinHoldoutPrecision)}\nmin_holdout_rows: {inputs.MinHoldoutRows}\nholdout_rows: {holdoutRows}\n"))
            .Append("rules:\n");
        foreach (var rule in rules)
        {
            yaml.Append("  - then: ").Append(Q(rule.ClassName)).Append('\n').Append("    conditions:\n");
            foreach (var c in rule.Conditions)
                yaml.Append("      - { feature: ").Append(Q(c.Feature)).Append(", op: ").Append(Q(c.Above ? ">" : "<=")).Append(", threshold: ").Append(N(c.Threshold)).Append(" }\n");
            if (rule.Conditions.Count == 0) yaml.Append("      []\n");
            yaml.Append(F($"    rows: {rule.FitRows}\n    precision: {N(rule.FitPrecision)}\n    holdout_rows: {rule.HoldoutRows}\n    holdout_precision: {N(rule.HoldoutPrecision)}\n"))
                .Append("    kept: ").Append(kept(rule) ? "true" : "false").Append('\n')
                .Append("    text: ").Append(Q(rule.ToString())).Append('\n');
        }
        return yaml.ToString();
    }

    private static string Markdown(IReadOnlyList<DecisionRule> rules, Func<DecisionRule, bool> kept, ExplainRulesInputs inputs, string fitted, int holdoutRows, string target)
    {
        var md = new StringBuilder(F($"# Rules for {target}\n\n"))
            .Append(F($"One shallow LightGBM tree (max depth {inputs.MaxDepth}, at least {inputs.MinDataInLeaf} rows a leaf) fitted to {fitted}. "))
            .Append(F($"Each rule is checked on {holdoutRows} holdout rows and kept when at least {inputs.MinHoldoutRows} of them satisfy it and a share of at least {inputs.MinHoldoutPrecision:0.##} of those hold its class. "))
            .Append("A missing feature value follows the tree's default branch.\n\n## Kept\n\n");
        foreach (var rule in rules.Where(kept)) md.Append("- ").Append(rule.ToString()).Append('\n');
        if (!rules.Any(kept)) md.Append("No rule holds on the holdout.\n");
        md.Append("\n## Not borne out by the holdout\n\n");
        foreach (var rule in rules.Where(r => !kept(r)))
            md.Append("- ").Append(rule.ToString()).Append(rule.HoldoutRows < inputs.MinHoldoutRows ? " (too few holdout rows)" : " (holdout precision too low)").Append('\n');
        return md.ToString();
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
