using Pipelines.Learning.Explain;
using Pipelines.Learning.Trees;

namespace Pipelines.Steps.Train.Ensemble;

/// <summary>
/// SHAP values of an ensemble from its members' exact ones (TreeSHAP for trees, the closed form for linear models),
/// by the linearity of Shapley values: a game that is a weighted sum of games has the weighted sum of their values.
/// <list type="bullet">
/// <item>Average: Σ w_m φ_m on the members' raw scores. For regression that sum is the ensemble's prediction and the
/// values are exact; for classifiers the members' raw scores are log-odds, so the values add up to Σ w_m logit(p_m),
/// which is not the log-odds of the averaged probability Σ w_m p_m: an attribution, not an exact decomposition.</item>
/// <item>Stacking: the meta-learner's raw score is b + Σ c_m z_m with z_m the member's log-odds (or value); each
/// member's values scaled by c_m (times the member's sigmoid slope, which turns its raw score into log-odds) add up to
/// the meta-learner's raw score exactly: exact on the link scale (log-odds for binary, the value for regression).</item>
/// <item>Regime: the routed member's values, exact for that member; the regime choice itself is not attributed.</item>
/// </list>
/// A LightGBM meta-learner is not a weighted sum of its inputs, so the members' values do not carry through it: such an
/// ensemble is refused here (see <see cref="IsExact"/>) and explained as a whole by Kernel SHAP instead.
/// Contributions are in the ensemble's feature order; a feature several members read gets the sum of their shares.
/// Members scored by ONNX Runtime (not trees) have no exact SHAP here and are refused. The explainer scores the regime
/// with the <see cref="EnsembleModel"/> it is given, so it needs an instance of its own when another thread scores.
/// </summary>
public sealed class EnsembleShapExplainer : IShapExplainer
{
    private readonly EnsembleModel _ensemble;
    private readonly IShapExplainer[] _explainers;
    private readonly double[] _factors;
    private readonly double[][] _memberContributions;
    private readonly double[] _expected;
    private readonly double _offset;

    /// <param name="background">Per-feature means in the ensemble's order, for linear members trained without standardisation.</param>
    public EnsembleShapExplainer(EnsembleModel ensemble, IReadOnlyList<double>? background = null)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        if (ensemble.MetaTrees is not null)
            throw new ArgumentException("its meta-learner is LightGBM, which does not combine the members' SHAP values linearly; it is explained as a whole by Kernel SHAP");
        _ensemble = ensemble;
        var members = ensemble.Members;
        _explainers = members.Select(m => Explainer(m, background)).ToArray();
        _memberContributions = _explainers.Select(e => new double[e.ContributionLength]).ToArray();
        ClassCount = ensemble.Outputs;
        _factors = new double[members.Count];
        switch (ensemble.EnsembleKind)
        {
            case EnsembleKind.Average:
                for (var m = 0; m < members.Count; m++) _factors[m] = ensemble.Manifest.Weights![m];
                break;
            case EnsembleKind.Stacking:
                var meta = ensemble.Meta!;
                _offset = meta.Intercept;
                for (var m = 0; m < members.Count; m++)
                {
                    // The meta-learner reads the member's log-odds; a tree member's raw score times its sigmoid slope is that.
                    var coefficient = meta.Scaler is null ? meta.Weights[m] : meta.Weights[m] / meta.Scaler.Scale[m];
                    if (meta.Scaler is not null) _offset -= coefficient * meta.Scaler.Mean[m];
                    var slope = members[m].Model.Trees is { } trees && !members[m].Model.IsRegression ? trees.Objective.Sigmoid : 1.0;
                    _factors[m] = coefficient * slope;
                }
                break;
            default:
                Array.Fill(_factors, 1.0);
                break;
        }
        _expected = new double[ClassCount];
        if (ensemble.EnsembleKind == EnsembleKind.Regime)
        {
            // Each row has its routed member's expected value; the default member's stands for the ensemble's.
            var fallback = _explainers[ensemble.RouteOf(-1)];
            for (var c = 0; c < ClassCount; c++) _expected[c] = fallback.ExpectedValues[c];
        }
        else
        {
            for (var c = 0; c < ClassCount; c++)
            {
                _expected[c] = _offset;
                for (var m = 0; m < members.Count; m++) _expected[c] += _factors[m] * _explainers[m].ExpectedValues[c];
            }
        }
    }

    /// <summary>
    /// Whether the ensemble's values follow exactly from its members' (as the kinds above say) with no background given:
    /// every member is trees or a linear model with its scaler, and a stacking meta-learner is linear.
    /// </summary>
    public static bool IsExact(EnsembleModel ensemble)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        return ensemble.MetaTrees is null && ensemble.Members.All(m => m.Model.Trees is not null || m.Model.Linear?.Scaler is not null);
    }

    public int FeatureCount => _ensemble.FeatureNames.Count;

    public int ClassCount { get; }

    public int ContributionLength => ClassCount * (FeatureCount + 1);

    public IReadOnlyList<double> ExpectedValues => _expected;

    public void Explain(ReadOnlySpan<double> features, Span<double> contributions)
    {
        if (features.Length != FeatureCount)
            throw new ArgumentException($"{features.Length} features given, the ensemble has {FeatureCount}", nameof(features));
        if (contributions.Length < ContributionLength)
            throw new ArgumentException($"room for {contributions.Length} contributions, {ContributionLength} needed", nameof(contributions));
        contributions[..ContributionLength].Clear();
        if (_ensemble.EnsembleKind == EnsembleKind.Regime)
        {
            Add(_ensemble.RouteOf(_ensemble.Regime(features)), features, contributions);
            return;
        }
        for (var m = 0; m < _explainers.Length; m++) Add(m, features, contributions);
        for (var c = 0; c < ClassCount; c++) contributions[c * (FeatureCount + 1) + FeatureCount] += _offset;
    }

    private void Add(int m, ReadOnlySpan<double> features, Span<double> contributions)
    {
        var member = _ensemble.Members[m];
        var values = _memberContributions[m];
        _explainers[m].Explain(member.Gather(features), values);
        var index = member.FeatureIndex;
        var width = index.Length + 1;
        var factor = _factors[m];
        for (var c = 0; c < ClassCount; c++)
        {
            var block = c * (FeatureCount + 1);
            for (var i = 0; i < index.Length; i++) contributions[block + index[i]] += factor * values[c * width + i];
            contributions[block + FeatureCount] += factor * values[c * width + index.Length];
        }
    }

    private static IShapExplainer Explainer(EnsembleMember member, IReadOnlyList<double>? background)
    {
        if (member.Model.Trees is { } trees) return new TreeShapExplainer(trees);
        if (member.Model.Linear is { } linear)
        {
            if (linear.Scaler is not null) return new LinearShapExplainer(linear);
            if (background is null) throw new ArgumentException($"member '{member.Name}' is a linear model without a stored scaler; explaining it needs a background mean", nameof(background));
            var index = member.FeatureIndex.ToArray();
            return new LinearShapExplainer(linear, index.Select(i => background[i]).ToArray());
        }
        throw new ArgumentException($"member '{member.Name}' is scored by ONNX Runtime and is not a tree ensemble; exact SHAP needs tree or linear members");
    }
}
