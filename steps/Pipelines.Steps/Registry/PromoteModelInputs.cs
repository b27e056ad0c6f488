using Pipelines.Abstractions;

namespace Pipelines.Steps.Registry;

public sealed record PromoteModelInputs
{
    [Input("Registered model name.")]
    public required string Name { get; init; }

    [Input("Version to promote; give this or model.")]
    public int? Version { get; init; }

    [Input("Model artifact whose registered version to promote; give this or version.")]
    public Artifact? Model { get; init; }

    [Input("Alias to point at the version: champion (production), challenger (shadow) or a custom name.")]
    public string Alias { get; init; } = "champion";

    [Input("Why, for the audit trail.")]
    public string Reason { get; init; } = "promoted by pipeline";
}
