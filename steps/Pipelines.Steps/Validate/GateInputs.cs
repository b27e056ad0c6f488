using Pipelines.Abstractions;

namespace Pipelines.Steps.Validate;

public sealed record GateInputs
{
    [Input("Metrics JSON from a train step.")]
    public required Artifact Metrics { get; init; }

    [Input("Requirements; all must hold for the gate to pass.", Example = "[{ metric: auc, min: 0.55 }, { metric: logloss, max: 0.69 }]")]
    public required IReadOnlyList<GateRequirement> Require { get; init; }

    [Input("Which results to judge: holdout, or walk_forward (the mean over folds).")]
    public GateSection Section { get; init; } = GateSection.Holdout;
}
