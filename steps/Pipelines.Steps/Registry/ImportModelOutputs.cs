using Pipelines.Abstractions;

namespace Pipelines.Steps.Registry;

public sealed record ImportModelOutputs
{
    [Output("The model artifact to register: the ONNX file with the declaration in its metadata.")]
    public required Artifact Model { get; init; }

    [Output("Metrics on the evaluate table (metrics.json, as train steps write it), for validate/gate and registry/register; null without evaluate.")]
    public Artifact? Metrics { get; init; }

    [Output("The evaluate table's labelled rows with the model's predictions (Parquet), for validate/gate's beats:; null without evaluate.")]
    public Artifact? Holdout { get; init; }

    [Output("The model's features, in input order.")]
    public required IReadOnlyList<string> Features { get; init; }

    [Output("How scoring steps read the output: binary, multiclass or regression (an action vector is read as regression values, one per action).")]
    public required string Task { get; init; }

    [Output("Values per prediction: 1, one per class, or one per action.")]
    public required int Outputs { get; init; }
}
