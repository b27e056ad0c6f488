using System.Globalization;

namespace Pipelines.Abstractions;

/// <summary>
/// Drift thresholds for a workspace (the <c>drift:</c> section of ml.yaml). drift/check uses them for every
/// threshold its step does not set, so one team-wide policy lives in one reviewed file.
/// </summary>
public sealed record DriftSettings
{
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

    [Input("Retrain when the current error exceeds the holdout error by more than this fraction (0.2 = 20% worse).")]
    public double PerformanceDrift { get; init; } = 0.2;

    [Input("Quantile bins for PSI and Jensen–Shannon.")]
    public int Bins { get; init; } = 10;

    /// <summary>Every rule the values break, as (snake_case key, problem); empty when they are usable.</summary>
    public IReadOnlyList<(string Key, string Problem)> Problems()
    {
        var problems = new List<(string, string)>();
        void Positive(string key, double value)
        {
            if (!(value > 0) || !double.IsFinite(value)) problems.Add((key, Text($"must be a positive number, got {value}")));
        }
        Positive("psi_medium", PsiMedium);
        Positive("psi_high", PsiHigh);
        Positive("psi_critical", PsiCritical);
        // The order only means something between usable values; a bad one is reported once, above.
        var usable = problems.Count == 0;
        if (usable && PsiHigh < PsiMedium) problems.Add(("psi_high", Text($"{PsiHigh} is below psi_medium {PsiMedium}; thresholds rise from medium to high to critical")));
        if (usable && PsiCritical < PsiHigh) problems.Add(("psi_critical", Text($"{PsiCritical} is below psi_high {PsiHigh}; thresholds rise from medium to high to critical")));
        if (!(KsSignificance > 0 && KsSignificance < 1)) problems.Add(("ks_significance", Text($"must lie in (0, 1), got {KsSignificance}")));
        if (!(RetrainFraction >= 0 && RetrainFraction <= 1)) problems.Add(("retrain_fraction", Text($"must lie in [0, 1], got {RetrainFraction}")));
        if (!(PerformanceDrift >= 0) || !double.IsFinite(PerformanceDrift)) problems.Add(("performance_drift", Text($"must be 0 or more, got {PerformanceDrift}")));
        if (Bins is < 2 or > 1000) problems.Add(("bins", Text($"must be between 2 and 1000, got {Bins}")));
        return problems;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
