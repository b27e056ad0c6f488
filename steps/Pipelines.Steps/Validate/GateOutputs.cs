using Pipelines.Abstractions;

namespace Pipelines.Steps.Validate;

public sealed record GateOutputs
{
    [Output("True when every requirement holds; feed it to a promote step's if:.")]
    public required bool Passed { get; init; }

    [Output("One readable line per requirement: the value, the bound, and whether it held.")]
    public required IReadOnlyList<string> Reasons { get; init; }

    [Output("The decision with every requirement and value (JSON).")]
    public required Artifact Report { get; init; }
}
