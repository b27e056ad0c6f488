using Pipelines.Learning.Data;

namespace Pipelines.Learning.LightGbm;

/// <summary>
/// An earlier LightGBM model that training continues from, the way LightGBM's own packages continue one
/// (<c>lgb.train(init_model=...)</c>): the model is loaded with LGBM_BoosterLoadModelFromString, its raw scores on the
/// new rows become the datasets' <c>init_score</c> (so the new trees fit what it leaves unexplained), and its trees are
/// merged in front of the new booster's with LGBM_BoosterMerge before the first new iteration. The continued model's
/// text then holds the parent's trees followed by the new ones, and its predictions are the sum of both.
/// </summary>
public sealed class LightGbmInitModel : IDisposable
{
    private IntPtr _handle;

    private LightGbmInitModel(IntPtr handle, int iterations, int classes, string text)
    {
        _handle = handle;
        Iterations = iterations;
        Classes = classes;
        Text = text;
    }

    /// <summary>Boosting iterations of the parent model.</summary>
    public int Iterations { get; }

    /// <summary>Raw scores per row: 1, or the class count for multiclass models.</summary>
    public int Classes { get; }

    /// <summary>The parent's model.txt as given.</summary>
    public string Text { get; }

    /// <summary>Loads a model.txt; LightGBM's refusal comes back as a <see cref="LightGbmException"/>.</summary>
    public static LightGbmInitModel Load(string modelText)
    {
        ArgumentNullException.ThrowIfNull(modelText);
        return LightGbmNative.Guard(() =>
        {
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterLoadModelFromString(modelText, out var iterations, out var handle), "LGBM_BoosterLoadModelFromString");
            try
            {
                LightGbmNative.Check(LightGbmNative.LGBM_BoosterGetNumClasses(handle, out var classes), "LGBM_BoosterGetNumClasses");
                return new LightGbmInitModel(handle, iterations, classes, modelText);
            }
            catch
            {
                LightGbmNative.LGBM_BoosterFree(handle);
                throw;
            }
        });
    }

    /// <summary>
    /// The parent's raw scores on <paramref name="data"/> in the layout LightGBM's init_score field takes: class-major
    /// (all rows' scores for class 0, then class 1, ...), where predictions come row-major.
    /// </summary>
    public unsafe double[] InitScores(DenseDataset data)
    {
        var rowMajor = new double[(long)data.RowCount * Classes];
        if (data.RowCount == 0) return rowMajor;
        using (LightGbmNative.Exclusive.EnterScope())
        {
            fixed (double* values = data.Values)
            fixed (double* output = rowMajor)
            {
                LightGbmNative.Check(LightGbmNative.LGBM_BoosterPredictForMat(Handle, values, LightGbmNative.DtypeFloat64, data.RowCount, data.FeatureCount, 1,
                    LightGbmNative.PredictRawScore, 0, 0, "", out _, output), "LGBM_BoosterPredictForMat(raw)");
            }
        }
        if (Classes == 1) return rowMajor;
        var classMajor = new double[rowMajor.Length];
        for (var row = 0; row < data.RowCount; row++)
            for (var c = 0; c < Classes; c++) classMajor[(long)c * data.RowCount + row] = rowMajor[(long)row * Classes + c];
        return classMajor;
    }

    /// <summary>Sets <paramref name="dataset"/>'s init_score to this model's raw scores on <paramref name="data"/>.</summary>
    internal unsafe void SetInitScores(IntPtr dataset, DenseDataset data)
    {
        var scores = InitScores(data);
        fixed (double* score = scores)
            LightGbmNative.Check(LightGbmNative.LGBM_DatasetSetField(dataset, "init_score", score, scores.Length, LightGbmNative.DtypeFloat64), "LGBM_DatasetSetField(init_score)");
    }

    /// <summary>Puts this model's trees in front of <paramref name="booster"/>'s.</summary>
    internal void MergeInto(IntPtr booster) => LightGbmNative.Check(LightGbmNative.LGBM_BoosterMerge(booster, Handle), "LGBM_BoosterMerge");

    private IntPtr Handle => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(nameof(LightGbmInitModel));

    public void Dispose()
    {
        if (_handle == IntPtr.Zero) return;
        using var turn = LightGbmNative.Exclusive.EnterScope();
        LightGbmNative.LGBM_BoosterFree(_handle);
        _handle = IntPtr.Zero;
    }
}
