using Pipelines.Abstractions;

namespace Pipelines.Steps.Registry;

public sealed record RollbackModelInputs
{
    [Input("Registered model name.")]
    public required string Name { get; init; }

    [Input("Alias to move back to the version it named before.")]
    public string Alias { get; init; } = "champion";

    [Input("Why, for the audit trail.")]
    public string Reason { get; init; } = "rolled back by pipeline";
}
