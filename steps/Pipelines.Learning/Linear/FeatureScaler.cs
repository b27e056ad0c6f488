using Pipelines.Learning.Data;

namespace Pipelines.Learning.Linear;

/// <summary>
/// Per-feature standardisation z = (x - mean) / scale, fitted once on training data and stored with the model
/// so that predictions and later online updates see features on the same scale the model was fitted on.
/// </summary>
public sealed class FeatureScaler
{
    public FeatureScaler(double[] mean, double[] scale)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(scale);
        if (mean.Length != scale.Length)
            throw new ArgumentException($"mean has {mean.Length} entries but scale has {scale.Length}", nameof(scale));
        for (var j = 0; j < scale.Length; j++)
        {
            if (!double.IsFinite(mean[j])) throw new ArgumentException($"mean of feature {j} is {mean[j]}", nameof(mean));
            if (!double.IsFinite(scale[j]) || scale[j] <= 0) throw new ArgumentException($"scale of feature {j} is {scale[j]}; it must be positive", nameof(scale));
        }
        Mean = mean;
        Scale = scale;
    }

    public double[] Mean { get; }

    /// <summary>Population standard deviation of each feature; 1 for a constant feature, which then stays centred at 0.</summary>
    public double[] Scale { get; }

    public int FeatureCount => Mean.Length;

    public static FeatureScaler Fit(DenseDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.RowCount == 0) throw new ArgumentException("cannot fit a scaler on no rows", nameof(data));
        var width = data.FeatureCount;
        var mean = new double[width];
        var squares = new double[width];
        // Welford's update per feature keeps the variance accurate when values are large relative to their spread.
        for (var r = 0; r < data.RowCount; r++)
        {
            var row = data.Row(r);
            for (var j = 0; j < width; j++)
            {
                var delta = row[j] - mean[j];
                mean[j] += delta / (r + 1);
                squares[j] += delta * (row[j] - mean[j]);
            }
        }
        var scale = new double[width];
        for (var j = 0; j < width; j++)
        {
            var deviation = Math.Sqrt(squares[j] / data.RowCount);
            scale[j] = deviation > 1e-12 * Math.Max(1, Math.Abs(mean[j])) ? deviation : 1;
        }
        return new FeatureScaler(mean, scale);
    }

    public double Transform(int feature, double value) => (value - Mean[feature]) / Scale[feature];
}
