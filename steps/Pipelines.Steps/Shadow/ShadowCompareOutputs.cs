using Pipelines.Abstractions;

namespace Pipelines.Steps.Shadow;

public sealed record ShadowCompareOutputs
{
    [Output("True when the challenger is significantly better than the champion by the margin; feed it to a promote step's if:.")]
    public required bool Promote { get; init; }

    [Output("promote, keep, or insufficient (fewer paired outcomes than min_predictions).")]
    public required string Decision { get; init; }

    [Output("Champion's mean per-decision loss.")]
    public required double ChampionLoss { get; init; }

    [Output("Challenger's mean per-decision loss.")]
    public required double ChallengerLoss { get; init; }

    [Output("Bootstrap p-value of 'the challenger is not better by the margin'.")]
    public required double PValue { get; init; }

    [Output("Paired predictions scored.")]
    public required int Predictions { get; init; }

    [Output("The comparison with both sides' metrics (JSON).")]
    public required Artifact Report { get; init; }
}
