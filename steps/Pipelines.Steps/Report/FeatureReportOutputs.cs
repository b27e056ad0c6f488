using Pipelines.Abstractions;

namespace Pipelines.Steps.Report;

public sealed record FeatureReportOutputs
{
    [Output("Correlations (Parquet): feature, group ('all', or the by column's value), rows, pearson, spearman; NaN where a group has too few rows or a constant feature.")]
    public required Artifact Table { get; init; }

    [Output("Self-contained HTML section: the overall table with a bar chart of Spearman correlations, then one table per group.")]
    public required Artifact Report { get; init; }
}
