using Pipelines.Abstractions;

namespace Pipelines.Steps.Explain;

public sealed record ExplainInputs
{
    [Input("Registered model to explain (its version under alias).")]
    public required string Model { get; init; }

    [Input("Alias or version number of the model to explain.")]
    public string Alias { get; init; } = "champion";

    [Input("Rows to explain (a table with the model's feature columns).")]
    public required Artifact Data { get; init; }

    [Input("Features per decision to keep, by absolute SHAP value.")]
    public int TopK { get; init; } = 10;

    [Input("Explain at most this many rows (the latest ones), to bound the cost.")]
    public int MaxRows { get; init; } = 5000;

    [Input("Column to group the global importance by (e.g. the regime label); optional.")]
    public string? By { get; init; }
}
