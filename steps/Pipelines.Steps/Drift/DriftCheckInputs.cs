using Pipelines.Abstractions;

namespace Pipelines.Steps.Drift;

public sealed record DriftCheckInputs
{
    [Input("Recent data to check (a table with the model's feature columns).")]
    public required Artifact Current { get; init; }

    [Input("Registered model whose training data is the reference, whose features are checked and whose predictions are compared.")]
    public string? Model { get; init; }

    [Input("Alias of the model version to check against.")]
    public string Alias { get; init; } = "champion";

    [Input("Reference table; by default the training data recorded for the model version.")]
    public Artifact? Reference { get; init; }

    [Input("Feature columns to check; by default the model's features (or every numeric column both tables share).")]
    public IReadOnlyList<string>? Features { get; init; }

    [Input("Label column in the current table, to measure performance drift against the model's holdout error.")]
    public string? Target { get; init; }

    [Input("PSI at which a feature's drift is MEDIUM.")]
    public double PsiMedium { get; init; } = 0.1;

    [Input("PSI at which a feature's drift is HIGH (counts as drifted).")]
    public double PsiHigh { get; init; } = 0.2;

    [Input("PSI at which a feature's drift is CRITICAL (retrain at once).")]
    public double PsiCritical { get; init; } = 0.25;

    [Input("Two-sample KS p-value below which a distribution change is significant.")]
    public double KsSignificance { get; init; } = 0.05;

    [Input("Retrain when more than this fraction of features drifted (HIGH or worse).")]
    public double RetrainFraction { get; init; } = 0.2;

    [Input("Retrain when the current error exceeds the holdout error by more than this fraction.")]
    public double PerformanceDrift { get; init; } = 0.2;

    [Input("Quantile bins for PSI and Jensen–Shannon.")]
    public int Bins { get; init; } = 10;
}
