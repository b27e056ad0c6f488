using Pipelines.Learning.Linear;

namespace Pipelines.Learning.Explain;

/// <summary>
/// Exact SHAP values of a linear model (Lundberg and Lee 2017, linear case): with features treated as independent,
/// feature j contributes w_j (x_j − μ_j) to the raw score, and the expected value is the score at the background mean
/// μ. The background is the training mean the model's scaler stored; a model trained without standardisation has none,
/// so the caller supplies the mean of a reference table (e.g. the rows being explained).
/// </summary>
public sealed class LinearShapExplainer : IShapExplainer
{
    private readonly double[] _rawWeights;
    private readonly double[] _background;
    private readonly double[] _expected;

    /// <param name="background">Per-feature background mean; required when the model has no scaler, ignored otherwise.</param>
    public LinearShapExplainer(LinearModel model, IReadOnlyList<double>? background = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var count = model.FeatureCount;
        _rawWeights = new double[count];
        for (var j = 0; j < count; j++)
            // A standardised model scores w·(x − mean)/scale; per raw unit of x that is w/scale.
            _rawWeights[j] = model.Scaler is null ? model.Weights[j] : model.Weights[j] / model.Scaler.Scale[j];
        if (model.Scaler is not null) _background = model.Scaler.Mean.ToArray();
        else if (background is null)
            throw new ArgumentException("a model trained without standardisation needs a background mean to explain against", nameof(background));
        else if (background.Count != count)
            throw new ArgumentException($"the background has {background.Count} values, the model {count} features", nameof(background));
        else _background = background.ToArray();
        _expected = [model.RawScore(_background)];
    }

    public int FeatureCount => _rawWeights.Length;

    public int ClassCount => 1;

    public int ContributionLength => FeatureCount + 1;

    public IReadOnlyList<double> ExpectedValues => _expected;

    public void Explain(ReadOnlySpan<double> features, Span<double> contributions)
    {
        if (features.Length != FeatureCount)
            throw new ArgumentException($"{features.Length} features given, the model has {FeatureCount}", nameof(features));
        if (contributions.Length < ContributionLength)
            throw new ArgumentException($"room for {contributions.Length} contributions, {ContributionLength} needed", nameof(contributions));
        for (var j = 0; j < FeatureCount; j++) contributions[j] = _rawWeights[j] * (features[j] - _background[j]);
        contributions[FeatureCount] = _expected[0];
    }
}
