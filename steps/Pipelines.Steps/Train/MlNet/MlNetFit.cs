using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines.Learning.Data;

namespace Pipelines.Steps.Train.MlNet;

/// <summary>
/// A fitted ML.NET model as the training skeleton sees it: ML.NET's own predictions — the probability of class 1
/// (binary), one probability per class (multiclass), the value (regression), or the nearest cluster's index (k-means).
/// </summary>
internal sealed class MlNetFit(MLContext ml, ITransformer transformer, ModelTask task, int classes, object? parameters) : IFittedModel
{
    public MLContext Context { get; } = ml;

    public ITransformer Transformer { get; } = transformer;

    public ModelTask Task { get; } = task;

    /// <summary>The trainer's model parameters (the uncalibrated ones for calibrated binary models), for importance and conversion.</summary>
    public object? Parameters { get; } = parameters;

    public int Outputs => Task == ModelTask.Multiclass ? classes : 1;

    /// <summary>The column of ML.NET's scored view that holds what <see cref="Predict"/> returns.</summary>
    public string PredictionColumn => Task switch
    {
        ModelTask.Binary => "Probability",
        _ => "Score",
    };

    public double[] Predict(DenseDataset rows)
    {
        var scored = Transformer.Transform(MlNetData.Features(Context, rows));
        var predictions = new double[rows.RowCount * Outputs];
        var column = scored.Schema[PredictionColumn];
        var i = 0;
        if (Task is ModelTask.Binary or ModelTask.Regression)
        {
            foreach (var value in scored.GetColumn<float>(column)) predictions[i++] = value;
            return predictions;
        }
        foreach (var vector in scored.GetColumn<VBuffer<float>>(column))
        {
            var values = vector.DenseValues().ToArray();
            if (Task == ModelTask.Multiclass)
            {
                foreach (var p in values) predictions[i++] = p;
            }
            else predictions[i++] = NearestCluster(values);
        }
        return predictions;
    }

    /// <summary>The index of the smallest of k-means' distances, the first on ties (as ArgMin in ONNX).</summary>
    public static int NearestCluster(ReadOnlySpan<float> distances)
    {
        var best = 0;
        for (var c = 1; c < distances.Length; c++)
        {
            if (distances[c] < distances[best]) best = c;
        }
        return best;
    }

    public void Dispose() => (Transformer as IDisposable)?.Dispose();
}
