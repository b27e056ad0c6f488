using Pipelines.Learning.Data;

namespace Pipelines.Learning.Linear;

/// <summary>
/// A fitted linear model: weights on (optionally standardised) features, an intercept, and the state online
/// updates continue from. Immutable; <see cref="LinearTrainer"/> returns a new model for every fit.
/// </summary>
public sealed class LinearModel
{
    public LinearModel(
        LinearObjective objective,
        IReadOnlyList<string> featureNames,
        double[] weights,
        double intercept,
        FeatureScaler? scaler,
        double l2,
        long samplesSeen,
        LinearOnlineState online)
    {
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(online);
        if (!Enum.IsDefined(objective)) throw new ArgumentOutOfRangeException(nameof(objective), objective, "unknown objective");
        if (weights.Length != featureNames.Count)
            throw new ArgumentException($"{weights.Length} weights for {featureNames.Count} features", nameof(weights));
        if (scaler is not null && scaler.FeatureCount != featureNames.Count)
            throw new ArgumentException($"the scaler has {scaler.FeatureCount} features, the model {featureNames.Count}", nameof(scaler));
        if (!(l2 >= 0) || !double.IsFinite(l2)) throw new ArgumentOutOfRangeException(nameof(l2), l2, "must be finite and not negative");
        if (samplesSeen < 0) throw new ArgumentOutOfRangeException(nameof(samplesSeen), samplesSeen, "must not be negative");
        online.Validate(objective, featureNames.Count);
        Objective = objective;
        FeatureNames = featureNames;
        Weights = weights;
        Intercept = intercept;
        Scaler = scaler;
        L2 = l2;
        SamplesSeen = samplesSeen;
        Online = online;
    }

    public LinearObjective Objective { get; }

    public IReadOnlyList<string> FeatureNames { get; }

    public int FeatureCount => FeatureNames.Count;

    /// <summary>Weights on the features as the model sees them: standardised when <see cref="Scaler"/> is set.</summary>
    public double[] Weights { get; }

    public double Intercept { get; }

    public FeatureScaler? Scaler { get; }

    /// <summary>The L2 penalty λ of the objective (see <see cref="LinearTrainer"/>).</summary>
    public double L2 { get; }

    /// <summary>Rows the model has been fitted on, over its batch fit and every online update.</summary>
    public long SamplesSeen { get; }

    public LinearOnlineState Online { get; }

    /// <summary>The linear score w·z + b (the log-odds for logistic).</summary>
    public double RawScore(ReadOnlySpan<double> features)
    {
        if (features.Length != FeatureCount)
            throw new ArgumentException($"{features.Length} features given, the model has {FeatureCount}", nameof(features));
        var score = Intercept;
        if (Scaler is null)
        {
            for (var j = 0; j < Weights.Length; j++) score += Weights[j] * features[j];
        }
        else
        {
            for (var j = 0; j < Weights.Length; j++) score += Weights[j] * Scaler.Transform(j, features[j]);
        }
        return score;
    }

    /// <summary>P(y = 1) for logistic, the predicted value for ridge.</summary>
    public double Predict(ReadOnlySpan<double> features)
    {
        var score = RawScore(features);
        return Objective == LinearObjective.Logistic ? Sigmoid(score) : score;
    }

    public double[] PredictAll(DenseDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var result = new double[data.RowCount];
        for (var r = 0; r < result.Length; r++) result[r] = Predict(data.Row(r));
        return result;
    }

    internal static double Sigmoid(double score) =>
        score >= 0 ? 1 / (1 + Math.Exp(-score)) : Math.Exp(score) / (1 + Math.Exp(score));
}
