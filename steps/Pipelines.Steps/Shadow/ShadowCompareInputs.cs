using Pipelines.Abstractions;

namespace Pipelines.Steps.Shadow;

public sealed record ShadowCompareInputs
{
    [Input("Registered model name.")]
    public required string Model { get; init; }

    [Input("Challenger version (e.g. from registry/register).")]
    public required int Challenger { get; init; }

    [Input("Alias of the version the challenger competes with.")]
    public string Champion { get; init; } = "champion";

    [Input("Recent rows to replay, with both models' features and the outcome column.")]
    public required Artifact Data { get; init; }

    [Input("Outcome (label) column.")]
    public required string Target { get; init; }

    [Input("Paired predictions with outcomes needed before deciding.")]
    public int MinPredictions { get; init; } = 100;

    [Input("Fraction of replayed decisions the challenger would act on (canary); every decision is still scored for both.")]
    public double CanaryFraction { get; init; } = 1.0;

    [Input("Mean per-decision loss improvement the challenger must exceed.")]
    public double Margin { get; init; }

    [Input("Confidence of the paired bootstrap's one-sided bound.")]
    public double Confidence { get; init; } = 0.95;

    [Input("Bootstrap resamples.")]
    public int Resamples { get; init; } = 2000;

    [Input("Seed of the canary routing and the bootstrap.")]
    public int Seed { get; init; } = 1;
}
