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

    // The thresholds default to ml.yaml's drift: section (see DriftSettings); a value here overrides it for this step.
    [Input("PSI at which a feature's drift is MEDIUM; default ml.yaml drift.psi_medium (0.1).")]
    public double? PsiMedium { get; init; }

    [Input("PSI at which a feature's drift is HIGH (counts as drifted); default ml.yaml drift.psi_high (0.2).")]
    public double? PsiHigh { get; init; }

    [Input("PSI at which a feature's drift is CRITICAL (retrain at once); default ml.yaml drift.psi_critical (0.25).")]
    public double? PsiCritical { get; init; }

    [Input("Two-sample KS p-value below which a distribution change is significant; default ml.yaml drift.ks_significance (0.05).")]
    public double? KsSignificance { get; init; }

    [Input("Retrain when more than this fraction of features drifted (HIGH or worse); default ml.yaml drift.retrain_fraction (0.2).")]
    public double? RetrainFraction { get; init; }

    [Input("Retrain when the current error exceeds the holdout error by more than this fraction; default ml.yaml drift.performance_drift (0.2).")]
    public double? PerformanceDrift { get; init; }

    [Input("Quantile bins for PSI and Jensen–Shannon; default ml.yaml drift.bins (10).")]
    public int? Bins { get; init; }

    /// <summary>The thresholds this step applies: its own where given, the workspace's otherwise.</summary>
    public DriftSettings Thresholds(DriftSettings workspace) => workspace with
    {
        PsiMedium = PsiMedium ?? workspace.PsiMedium,
        PsiHigh = PsiHigh ?? workspace.PsiHigh,
        PsiCritical = PsiCritical ?? workspace.PsiCritical,
        KsSignificance = KsSignificance ?? workspace.KsSignificance,
        RetrainFraction = RetrainFraction ?? workspace.RetrainFraction,
        PerformanceDrift = PerformanceDrift ?? workspace.PerformanceDrift,
        Bins = Bins ?? workspace.Bins,
    };
}
