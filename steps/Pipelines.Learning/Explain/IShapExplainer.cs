namespace Pipelines.Learning.Explain;

/// <summary>
/// Exact SHAP values of one model, whatever its kind. Contributions are laid out per output (class) as the features'
/// values followed by that output's expected value, so for every output the row's values plus the expected value sum
/// to the model's raw score.
/// </summary>
public interface IShapExplainer
{
    int FeatureCount { get; }

    /// <summary>Outputs explained: 1 for binary and regression, the class count for multiclass.</summary>
    int ClassCount { get; }

    /// <summary><see cref="ClassCount"/> × (<see cref="FeatureCount"/> + 1).</summary>
    int ContributionLength { get; }

    /// <summary>The raw score expected before any feature is known, per output.</summary>
    IReadOnlyList<double> ExpectedValues { get; }

    void Explain(ReadOnlySpan<double> features, Span<double> contributions);
}
