using Pipelines.Abstractions;

namespace Pipelines.Steps.Explain;

public sealed record ExplainOutputs
{
    [Output("Global mean |SHAP| per feature and class, overall and by group (JSON).")]
    public required Artifact Global { get; init; }

    [Output("Per-decision top-k contributions: row, class, rank, feature, value, SHAP and shap_error (Kernel SHAP's standard error; null for exact values) (Parquet).")]
    public required Artifact Decisions { get; init; }

    [Output("A self-contained HTML report with SVG charts.")]
    public required Artifact Report { get; init; }

    [Output("Features by global mean |SHAP|, most important first.")]
    public required IReadOnlyList<string> TopFeatures { get; init; }
}
