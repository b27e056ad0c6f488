using System.Runtime.InteropServices;

namespace Pipelines.Learning.LightGbm;

/// <summary>
/// Early stopping on the first validation set, as LightGBM's own packages do it: after each iteration every
/// validation metric is read back (LGBM_BoosterGetEval); training stops when one of them (or only the first,
/// with first_metric_only) has not improved by more than min_delta for <c>patience</c> iterations, and the best
/// iteration of that metric is the one kept.
/// </summary>
internal sealed class EarlyStopping
{
    private readonly IntPtr _booster;
    private readonly int _patience;
    private readonly double _minimumDelta;
    private readonly bool[] _higherIsBetter;
    private readonly double[] _bestScore;
    private readonly int[] _bestIteration;
    private readonly double[] _scores;

    private EarlyStopping(IntPtr booster, int patience, double minimumDelta, string[] metrics, bool firstMetricOnly)
    {
        _booster = booster;
        _patience = patience;
        _minimumDelta = minimumDelta;
        var watched = firstMetricOnly ? 1 : metrics.Length;
        _higherIsBetter = metrics.Take(watched).Select(HigherIsBetter).ToArray();
        _bestScore = _higherIsBetter.Select(h => h ? double.NegativeInfinity : double.PositiveInfinity).ToArray();
        _bestIteration = new int[watched];
        _scores = new double[metrics.Length];
    }

    /// <summary>The iteration kept: the best one of the metric that stopped training, or of the first metric.</summary>
    public int BestIteration { get; private set; }

    public static EarlyStopping Start(IntPtr booster, int patience, double minimumDelta, bool firstMetricOnly)
    {
        var metrics = MetricNames(booster);
        if (metrics.Length == 0)
            throw new ArgumentException("LightGBM parameter 'early_stopping_round' needs a validation metric, but 'metric' names none");
        return new EarlyStopping(booster, patience, minimumDelta, metrics, firstMetricOnly);
    }

    /// <summary>Reads this iteration's validation metrics; true when training should stop.</summary>
    public unsafe bool ShouldStop(int iteration)
    {
        fixed (double* scores = _scores)
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterGetEval(_booster, 1, out _, scores), "LGBM_BoosterGetEval");
        for (var m = 0; m < _bestScore.Length; m++)
        {
            var improved = _higherIsBetter[m] ? _scores[m] > _bestScore[m] + _minimumDelta : _scores[m] < _bestScore[m] - _minimumDelta;
            if (improved)
            {
                _bestScore[m] = _scores[m];
                _bestIteration[m] = iteration;
            }
        }
        BestIteration = _bestIteration[0];
        for (var m = 0; m < _bestScore.Length; m++)
        {
            if (iteration - _bestIteration[m] >= _patience)
            {
                BestIteration = _bestIteration[m];
                return true;
            }
        }
        return false;
    }

    // LightGBM's packages treat these metrics as the ones to maximise; every other metric is a loss.
    private static bool HigherIsBetter(string metric) =>
        metric.StartsWith("auc", StringComparison.Ordinal) || metric.StartsWith("ndcg@", StringComparison.Ordinal)
        || metric.StartsWith("map@", StringComparison.Ordinal) || metric == "average_precision";

    private static unsafe string[] MetricNames(IntPtr booster)
    {
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterGetEvalCounts(booster, out var count), "LGBM_BoosterGetEvalCounts");
        if (count == 0) return [];
        const int length = 256;
        var buffers = new IntPtr[count];
        try
        {
            for (var i = 0; i < count; i++) buffers[i] = Marshal.AllocHGlobal(length);
            fixed (IntPtr* names = buffers)
                LightGbmNative.Check(LightGbmNative.LGBM_BoosterGetEvalNames(booster, count, out var written, length, out _, names), "LGBM_BoosterGetEvalNames");
            return buffers.Select(b => Marshal.PtrToStringUTF8(b)!).ToArray();
        }
        finally
        {
            foreach (var buffer in buffers) Marshal.FreeHGlobal(buffer);
        }
    }
}
