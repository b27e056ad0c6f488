using System.Text;
using Pipelines.Learning.Data;

namespace Pipelines.Learning.LightGbm;

/// <summary>
/// A booster LightGBM has trained, held until disposed: its model.txt exactly as LightGBM writes it, and LightGBM's
/// own predictions and importances for the iterations kept (all of them, or the best one under early stopping).
/// </summary>
public sealed class LightGbmBooster : IDisposable
{
    private IntPtr _handle;

    internal LightGbmBooster(IntPtr handle, int featureCount, int iterations, LightGbmParameters parameters)
    {
        _handle = handle;
        FeatureCount = featureCount;
        Iterations = iterations;
        Parameters = parameters;
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterGetNumClasses(handle, out var outputs), "LGBM_BoosterGetNumClasses");
        Outputs = outputs;
    }

    public int FeatureCount { get; }

    /// <summary>Boosting iterations kept in the model.</summary>
    public int Iterations { get; }

    /// <summary>Values predicted per row: 1, or one per class for multiclass objectives.</summary>
    public int Outputs { get; }

    /// <summary>The parameters the run used, including those set for reproducibility.</summary>
    public LightGbmParameters Parameters { get; }

    /// <summary>The model in LightGBM's model.txt format, as LGBM_BoosterSaveModelToString returns it.</summary>
    public unsafe string ModelText()
    {
        using var turn = LightGbmNative.Exclusive.EnterScope();
        var handle = Handle;
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterSaveModelToString(handle, 0, Iterations, LightGbmNative.FeatureImportanceSplit, 0, out var length, null),
            "LGBM_BoosterSaveModelToString");
        var buffer = new byte[length];
        fixed (byte* text = buffer)
        {
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterSaveModelToString(handle, 0, Iterations, LightGbmNative.FeatureImportanceSplit, buffer.Length, out length, text),
                "LGBM_BoosterSaveModelToString");
        }
        return Encoding.UTF8.GetString(buffer, 0, (int)length - 1);
    }

    /// <summary>LightGBM's predictions (probabilities for classifiers), <see cref="Outputs"/> per row, rows one after another.</summary>
    public unsafe double[] Predict(DenseDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureCount != FeatureCount) throw new ArgumentException($"The model has {FeatureCount} features; the data has {data.FeatureCount}.", nameof(data));
        var result = new double[(long)data.RowCount * Outputs];
        if (data.RowCount == 0) return result;
        using var turn = LightGbmNative.Exclusive.EnterScope();
        fixed (double* values = data.Values)
        fixed (double* output = result)
        {
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterPredictForMat(Handle, values, LightGbmNative.DtypeFloat64, data.RowCount, data.FeatureCount, 1,
                LightGbmNative.PredictNormal, 0, Iterations, "", out _, output), "LGBM_BoosterPredictForMat");
        }
        return result;
    }

    /// <summary>Per feature: how often it splits (<paramref name="gain"/> false) or the total gain of its splits.</summary>
    public unsafe double[] FeatureImportance(bool gain)
    {
        var result = new double[FeatureCount];
        using var turn = LightGbmNative.Exclusive.EnterScope();
        fixed (double* output = result)
        {
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterFeatureImportance(Handle, Iterations,
                gain ? LightGbmNative.FeatureImportanceGain : LightGbmNative.FeatureImportanceSplit, output), "LGBM_BoosterFeatureImportance");
        }
        return result;
    }

    private IntPtr Handle => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(nameof(LightGbmBooster));

    public void Dispose()
    {
        if (_handle == IntPtr.Zero) return;
        using var turn = LightGbmNative.Exclusive.EnterScope();
        LightGbmNative.LGBM_BoosterFree(_handle);
        _handle = IntPtr.Zero;
    }
}
