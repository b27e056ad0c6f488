using Pipelines.Abstractions;

namespace Pipelines.Steps.Registry;

/// <summary>What the registry steps return: the version they registered or pointed an alias at.</summary>
public sealed record ModelVersionOutputs
{
    [Output("The model name.")]
    public required string Name { get; init; }

    [Output("The version number.")]
    public required int Version { get; init; }

    [Output("The version the alias named before (0 when none).")]
    public required int PreviousVersion { get; init; }

    [Output("The model artifact of that version.")]
    public required Artifact Model { get; init; }

    [Output("The version's lifecycle stage after the step: staged, shadow, production or retired.")]
    public required string Stage { get; init; }
}
