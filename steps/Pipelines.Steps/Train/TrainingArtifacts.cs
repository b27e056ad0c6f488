using Pipelines.DuckDb;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using DuckDB.NET.Data;
using Pipelines.Learning.Data;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Train;

/// <summary>The artifacts every train step writes the same way, so gates and reports read them alike.</summary>
internal static class TrainingArtifacts
{
    public static Artifact WriteJson(IStepContext context, string kind, JsonNode node)
    {
        var staged = context.StageArtifact(kind, "json");
        File.WriteAllText(staged.Path, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return context.CommitArtifact(staged);
    }

    public static Artifact WriteMetrics(IStepContext context, TrainingMetrics metrics)
    {
        var staged = context.StageArtifact("metrics", "json");
        File.WriteAllText(staged.Path, metrics.ToJson());
        return context.CommitArtifact(staged);
    }

    public static DenseDataset Subset(DenseDataset data, int[] rows)
    {
        var width = data.FeatureCount;
        var values = new double[rows.Length * width];
        var labels = new double[rows.Length];
        var weights = data.Weights is null ? null : new double[rows.Length];
        var source = data.RequireLabels();
        for (var i = 0; i < rows.Length; i++)
        {
            data.Row(rows[i]).CopyTo(values.AsSpan(i * width, width));
            labels[i] = source[rows[i]];
            if (weights is not null) weights[i] = data.Weights![rows[i]];
        }
        return new DenseDataset(values, rows.Length, data.FeatureNames, labels, weights);
    }

    /// <summary>Holdout rows: the row's index in the training table, its label (class index or value) and the predictions.</summary>
    public static Artifact WriteHoldout(DuckDBConnection connection, IStepContext context, int[] sourceRows, double[] labels, double[] predictions, int outputs)
    {
        var columns = outputs == 1 ? "prediction DOUBLE" : string.Join(", ", Enumerable.Range(0, outputs).Select(c => $"p{c} DOUBLE"));
        connection.Execute($"CREATE TABLE holdout (source_row BIGINT, label DOUBLE, {columns})");
        using (var appender = new ChunkAppender(connection, "holdout"))
        {
            for (var i = 0; i < labels.Length; i++)
            {
                appender.Add(sourceRows[i]).Add(labels[i]);
                for (var c = 0; c < outputs; c++) appender.Add(predictions[i * outputs + c]);
                appender.EndRow();
            }
        }
        var staged = context.StageArtifact("table", "parquet");
        connection.Execute($"COPY holdout TO {SqlText.Literal(staged.Path)} (FORMAT parquet)");
        return context.CommitArtifact(staged);
    }

    /// <summary>
    /// Every out-of-sample prediction, block by block: the row's index in the training table's source (as the holdout's
    /// source_row), the fold (1.. in time order; the holdout is the last), the part (walk_forward or holdout), the label
    /// and the predictions, named as in the holdout table.
    /// </summary>
    public static Artifact WriteOutOfSample(DuckDBConnection connection, IStepContext context, TrainingTable table, IReadOnlyList<OutOfSampleBlock> blocks, int outputs)
    {
        var columns = outputs == 1 ? "prediction DOUBLE" : string.Join(", ", Enumerable.Range(0, outputs).Select(c => $"p{c} DOUBLE"));
        connection.Execute($"CREATE TABLE out_of_sample (source_row BIGINT, fold INTEGER, part VARCHAR, label DOUBLE, {columns})");
        using (var appender = connection.CreateAppender("out_of_sample"))
        {
            foreach (var block in blocks)
            {
                for (var i = 0; i < block.Rows.Length; i++)
                {
                    var row = appender.CreateRow().AppendValue((long?)table.SourceRows[block.Rows[i]]).AppendValue((int?)block.Fold)
                        .AppendValue(block.Part).AppendValue((double?)block.Labels[i]);
                    for (var c = 0; c < outputs; c++) row.AppendValue((double?)block.Predictions[i * outputs + c]);
                    row.EndRow();
                }
            }
        }
        var staged = context.StageArtifact("table", "parquet");
        connection.Execute($"COPY (SELECT * FROM out_of_sample ORDER BY fold, source_row) TO {SqlText.Literal(staged.Path)} (FORMAT parquet)");
        return context.CommitArtifact(staged);
    }
}
