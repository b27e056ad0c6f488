using Pipelines.Abstractions;

namespace Pipelines.Steps.Validate;

public sealed record GateInputs
{
    [Input("Metrics JSON from a train step.")]
    public required Artifact Metrics { get; init; }

    [Input("Requirements; all must hold for the gate to pass.", Example = "[{ metric: auc, min: 0.55 }, { metric: logloss, beats: champion, model: toxicity, margin: 0.0 }]")]
    public required IReadOnlyList<GateRequirement> Require { get; init; }

    [Input("Which results thresholds judge: holdout, or walk_forward (the mean over folds). beats always compares on the holdout.")]
    public GateSection Section { get; init; } = GateSection.Holdout;

    [Input("The candidate's holdout predictions (the train step's holdout output); needed by beats.")]
    public Artifact? Holdout { get; init; }

    [Input("The table the candidate was trained on (its input); the rival is scored on its holdout rows. Needed by beats.")]
    public Artifact? Data { get; init; }
}
