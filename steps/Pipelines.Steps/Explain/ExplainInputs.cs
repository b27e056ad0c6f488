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

    [Input("Models without exact SHAP (imported ONNX models, ML.NET's linear ones) are explained with Kernel SHAP against this background table (training rows); by default the rows being explained.")]
    public Artifact? Background { get; init; }

    [Input("Kernel SHAP: the background is summarised by k-means to this many weighted centroids.")]
    public int BackgroundSize { get; init; } = 32;

    [Input("Kernel SHAP: coalitions evaluated per row; with 2^features - 2 or more, every coalition is enumerated and the values are exact for the background.")]
    public int Coalitions { get; init; } = 512;

    [Input("Kernel SHAP: seeds the sampled coalitions, the bootstrap of their standard errors and the k-means background.")]
    public int Seed { get; init; } = 1;
}
