using System.Globalization;
using System.Text;
using Pipelines.Abstractions;
using Pipelines.Learning.Correlation;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Report;

/// <summary>
/// Does a feature move with what the price does next? Each feature's Pearson and Spearman correlation with the
/// forward return over a declared horizon, over every row and per group (e.g. regime) — the check that order-flow
/// features correlate with price moves before a model is asked to use them.
/// </summary>
[Step("report/features", "Report", "Feature diagnostics",
    Description = "Correlate each feature with the forward return price[t + horizon] / price[t] - 1 (rows in time order): Pearson and Spearman (ties at mean rank), over every row and per group of a by column such as the regime, leaving out rows where either value is missing; writes the table (Parquet) and a self-contained HTML section with the overall table, Spearman bars and a table per group.")]
public sealed class FeatureReportStep : Step<FeatureReportInputs, FeatureReportOutputs>
{
    public override Task<FeatureReportOutputs> ExecuteAsync(FeatureReportInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (inputs.Problems().FirstOrDefault() is { } problem) throw problem.ToException();
        if (inputs.Data.Kind != "table" || inputs.Data.Format != "parquet")
            throw new StepInputException("data", $"expects a table artifact, got a {inputs.Data.Kind} ({inputs.Data.Format})");
        var path = context.OpenArtifact(inputs.Data);
        using var connection = ParquetTableWriter.OpenScratch();
        var columns = TableReader.Describe(connection, path);
        string Require(string field, string column) => columns.FirstOrDefault(c => c.Name == column).Type
            ?? throw new StepInputException(field, $"column '{column}' is not in the data (columns: {string.Join(", ", columns.Select(c => c.Name))})");
        Require("time_column", inputs.TimeColumn);
        if (!TableReader.IsNumeric(Require("price_column", inputs.PriceColumn))) throw new StepInputException("price_column", $"column '{inputs.PriceColumn}' is not a number");
        if (inputs.By is { } by) Require("by", by);
        var skip = new HashSet<string>(StringComparer.Ordinal) { inputs.TimeColumn, inputs.PriceColumn, inputs.By ?? "" };
        var features = inputs.Features is { Count: > 0 } chosen ? chosen : columns.Where(c => !skip.Contains(c.Name) && TableReader.IsNumeric(c.Type)).Select(c => c.Name).ToList();
        if (features.Count == 0) throw new StepInputException("features", "the data has no numeric feature columns");
        foreach (var feature in features)
            if (!TableReader.IsNumeric(Require("features", feature))) throw new StepInputException("features", $"column '{feature}' is not a number");

        var price = SqlText.Identifier(inputs.PriceColumn);
        var group = inputs.By is null ? "NULL" : $"CAST({SqlText.Identifier(inputs.By)} AS VARCHAR)";
        var sql = $"SELECT {group}, lead({price}, {inputs.Horizon}) OVER (ORDER BY {SqlText.Identifier(inputs.TimeColumn)}, file_row_number) / {price} - 1, " +
                  string.Join(", ", features.Select(f => $"CAST({SqlText.Identifier(f)} AS DOUBLE)")) +
                  $" FROM read_parquet({SqlText.Literal(path)}, file_row_number = true) ORDER BY {SqlText.Identifier(inputs.TimeColumn)}, file_row_number";
        var rows = connection.Rows(sql);
        cancellationToken.ThrowIfCancellationRequested();

        var results = new List<FeatureCorrelation>();
        var groups = inputs.By is null ? [] : rows.Select(r => r[0] as string).Where(g => g is not null).Distinct().Order(StringComparer.Ordinal).ToList();
        for (var f = 0; f < features.Count; f++)
        {
            results.Add(Correlate(features[f], FeatureCorrelationHtml.All, rows, f, null, inputs.MinRows));
            foreach (var g in groups) results.Add(Correlate(features[f], g!, rows, f, g, inputs.MinRows));
        }

        connection.Execute("CREATE TABLE correlations (feature VARCHAR, \"group\" VARCHAR, rows BIGINT, pearson DOUBLE, spearman DOUBLE)");
        using (var appender = connection.CreateAppender("correlations"))
        {
            foreach (var r in results)
                appender.CreateRow().AppendValue(r.Feature).AppendValue(r.Group).AppendValue((long?)r.Rows)
                    .AppendValue(double.IsNaN(r.Pearson) ? null : (double?)r.Pearson).AppendValue(double.IsNaN(r.Spearman) ? null : (double?)r.Spearman).EndRow();
        }
        var table = context.StageArtifact("table", "parquet");
        connection.Execute($"COPY correlations TO {SqlText.Literal(table.Path)} (FORMAT parquet)");

        var horizon = Describe(inputs);
        var report = context.StageArtifact("report", "html");
        File.WriteAllText(report.Path, new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Features against forward returns</title></head><body>")
            .Append("<h2>Features against forward returns</h2>").Append(FeatureCorrelationHtml.Render(results, horizon)).Append("</body></html>\n").ToString());
        context.Log.Information("Correlated {Features} features with the {Horizon}-row forward return over {Rows} rows and {Groups} groups", features.Count, inputs.Horizon, rows.Count, groups.Count);
        return Task.FromResult(new FeatureReportOutputs { Table = context.CommitArtifact(table), Report = context.CommitArtifact(report) });
    }

    public static string Describe(FeatureReportInputs inputs) => string.Create(CultureInfo.InvariantCulture,
        $"Forward return: {inputs.PriceColumn} {inputs.Horizon} rows ahead over {inputs.PriceColumn} now, minus 1, rows ordered by {inputs.TimeColumn}{(inputs.By is null ? "" : $"; grouped by {inputs.By}")}. Rows missing either value are left out; correlations need at least {inputs.MinRows} rows.");

    private static FeatureCorrelation Correlate(string feature, string groupName, List<object?[]> rows, int f, string? group, int minRows)
    {
        var x = new List<double>();
        var y = new List<double>();
        foreach (var row in rows)
        {
            if (group is not null && (row[0] as string) != group) continue;
            if (row[1] is not double forward || row[2 + f] is not double value || !double.IsFinite(forward) || !double.IsFinite(value)) continue;
            x.Add(value);
            y.Add(forward);
        }
        if (x.Count < minRows) return new FeatureCorrelation(feature, groupName, x.Count, double.NaN, double.NaN);
        return new FeatureCorrelation(feature, groupName, x.Count, PearsonCorrelation.Compute(x.ToArray(), y.ToArray()), SpearmanCorrelation.Compute(x.ToArray(), y.ToArray()));
    }
}
