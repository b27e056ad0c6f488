using Pipelines.Abstractions;

namespace Pipelines.Steps.Registry;

public sealed record RegisterModelInputs
{
    [Input("Registered model name, e.g. toxicity.")]
    public required string Name { get; init; }

    [Input("The model artifact to register (from a train step).")]
    public required Artifact Model { get; init; }

    [Input("Metrics recorded with the version (a JSON artifact from the train or gate step).")]
    public Artifact? Metrics { get; init; }

    [Input("The table the model was trained on; its hash is recorded for lineage.")]
    public Artifact? TrainingData { get; init; }

    [Input("Why it is registered, for the audit trail.")]
    public string Reason { get; init; } = "registered by pipeline";
}
