using Pipelines.Abstractions;

namespace Pipelines.Steps.Drift;

public sealed record DriftCheckOutputs
{
    [Output("True when the model should be retrained: too many drifted features, any CRITICAL finding, or performance drift.")]
    public required bool Retrain { get; init; }

    [Output("Features whose drift is HIGH or CRITICAL.")]
    public required IReadOnlyList<string> Drifted { get; init; }

    [Output("Worst severity found: LOW, MEDIUM, HIGH or CRITICAL.")]
    public required string Severity { get; init; }

    [Output("One readable line per finding and the decision.")]
    public required IReadOnlyList<string> Summary { get; init; }

    [Output("Every statistic per feature, prediction and performance drift (JSON).")]
    public required Artifact Report { get; init; }
}
