using System.Globalization;
using System.Runtime.InteropServices;
using Pipelines.Learning.Data;
using Pipelines.Learning.Trees;

namespace Pipelines.Learning.LightGbm;

/// <summary>
/// Trains a LightGBM booster on rows already in memory: the features go to LGBM_DatasetCreateFromMat as they
/// lie (row-major doubles, no file in between), early stopping watches the validation rows the way LightGBM's
/// own packages do, and every run is made reproducible: deterministic=true and a fixed thread count (the
/// machine's cores unless num_threads is given), so one seed gives one model, byte for byte.
/// </summary>
public static class LightGbmTrainer
{
    /// <summary>
    /// Settles LightGBM's process-wide environment (OpenMP's passive waiting) before other threads exist: call it first
    /// thing in a program that may train. Setting it later, beside threads that read the environment, can crash.
    /// </summary>
    public static void PrepareProcess() => LightGbmNative.PreferPassiveWaiting();

    /// <summary>The parameters a run actually uses: the given ones, plus what makes it reproducible and quiet unless given.</summary>
    public static LightGbmParameters ForRun(LightGbmParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var run = parameters
            .WithDefault("deterministic", "true")
            .WithDefault("num_threads", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture))
            .WithDefault("verbosity", "-1");
        // LightGBM chooses row- or column-wise histograms by timing both unless told; a timing cannot be reproduced.
        if (!run.Has("force_row_wise") && !run.Has("force_col_wise")) run = run.With("force_col_wise", "true");
        return run;
    }

    /// <summary>
    /// Trains on <paramref name="train"/>; with <paramref name="valid"/> and early_stopping_round, stops when a validation
    /// metric has not improved for that many rounds and keeps the best iteration. With <paramref name="initModel"/>,
    /// training continues that model (see <see cref="LightGbmInitModel"/>): num_iterations new iterations follow its own,
    /// and the booster holds both. The caller disposes the booster.
    /// </summary>
    public static LightGbmBooster Train(DenseDataset train, DenseDataset? valid, LightGbmParameters parameters, CancellationToken cancellationToken = default,
        LightGbmInitModel? initModel = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(parameters);
        if (train.RowCount == 0) throw new ArgumentException("The training data has no rows.", nameof(train));
        if (train.FeatureCount == 0) throw new ArgumentException("The training data has no feature columns.", nameof(train));
        CheckLabels(train, "training");
        if (valid is not null)
        {
            if (!valid.FeatureNames.SequenceEqual(train.FeatureNames))
                throw new ArgumentException($"The validation features ({string.Join(", ", valid.FeatureNames)}) differ from the training features ({string.Join(", ", train.FeatureNames)}).", nameof(valid));
            CheckLabels(valid, "validation");
        }
        var run = ForRun(parameters);
        var iterations = run.GetInt("num_iterations", 100);
        var patience = run.GetInt("early_stopping_round", 0);
        var minimumDelta = run.GetDouble("early_stopping_min_delta", 0.0);
        var firstMetricOnly = run.GetBool("first_metric_only", false);
        if (iterations < 1) throw new ArgumentException($"LightGBM parameter 'num_iterations' = {iterations}: must be at least 1");
        if (patience > 0 && valid is null) throw new ArgumentException("LightGBM parameter 'early_stopping_round' needs validation rows to watch");
        var names = LightGbmFeatureNames.NormalizeAll(train.FeatureNames);

        return LightGbmNative.Guard(() =>
        {
            var text = run.ToString();
            var trainSet = CreateDataset(train, text, IntPtr.Zero, names);
            var validSet = IntPtr.Zero;
            var booster = IntPtr.Zero;
            try
            {
                initModel?.SetInitScores(trainSet, train);
                if (valid is not null)
                {
                    validSet = CreateDataset(valid, text, trainSet, names);
                    initModel?.SetInitScores(validSet, valid);
                }
                LightGbmNative.Check(LightGbmNative.LGBM_BoosterCreate(trainSet, text, out booster), "LGBM_BoosterCreate");
                initModel?.MergeInto(booster);
                if (validSet != IntPtr.Zero) LightGbmNative.Check(LightGbmNative.LGBM_BoosterAddValidData(booster, validSet), "LGBM_BoosterAddValidData");
                var watch = patience > 0 ? EarlyStopping.Start(booster, patience, minimumDelta, firstMetricOnly) : null;
                for (var iteration = 1; iteration <= iterations; iteration++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    LightGbmNative.Check(LightGbmNative.LGBM_BoosterUpdateOneIter(booster, out var finished), "LGBM_BoosterUpdateOneIter");
                    if (finished != 0) break;
                    if (watch is not null && watch.ShouldStop(iteration)) break;
                }
                LightGbmNative.Check(LightGbmNative.LGBM_BoosterGetCurrentIteration(booster, out var trained), "LGBM_BoosterGetCurrentIteration");
                // The parent's iterations come first; early stopping counts the new ones.
                var best = watch is null ? trained : (initModel?.Iterations ?? 0) + watch.BestIteration;
                var result = new LightGbmBooster(booster, train.FeatureCount, best, run);
                booster = IntPtr.Zero;
                return result;
            }
            finally
            {
                if (booster != IntPtr.Zero) LightGbmNative.LGBM_BoosterFree(booster);
                if (validSet != IntPtr.Zero) LightGbmNative.LGBM_DatasetFree(validSet);
                LightGbmNative.LGBM_DatasetFree(trainSet);
            }
        });
    }

    /// <summary>
    /// Lets LightGBM read <paramref name="parameters"/> (its own type and range checks) on a two-row dataset without
    /// training, so a bad value is refused with LightGBM's message before any real work.
    /// </summary>
    public static void CheckValues(LightGbmParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var probe = new DenseDataset([0.0, 1.0], 2, ["x"], [0.0, 1.0]);
        LightGbmNative.Guard(() =>
        {
            LightGbmNative.LGBM_DatasetFree(CreateDataset(probe, ForRun(parameters).ToString(), IntPtr.Zero, ["x"]));
            return true;
        });
    }

    /// <summary>Trains and reads the model back with our reader, for scoring, SHAP and export by our own code.</summary>
    public static TreeEnsembleModel TrainEnsemble(DenseDataset train, IReadOnlyDictionary<string, string> parameters)
    {
        using var booster = Train(train, null, LightGbmParameters.From(parameters));
        return LightGbmModelReader.Parse(booster.ModelText(), "LightGBM model");
    }

    private static void CheckLabels(DenseDataset data, string which)
    {
        var labels = data.Labels ?? throw new ArgumentException($"The {which} data has no labels.");
        for (var row = 0; row < labels.Length; row++)
        {
            if (!double.IsFinite(labels[row]))
                throw new ArgumentException($"The {which} label of row {row} is {labels[row].ToString(CultureInfo.InvariantCulture)}; labels must be finite numbers.");
        }
    }

    private static unsafe IntPtr CreateDataset(DenseDataset data, string parameters, IntPtr reference, string[] names)
    {
        IntPtr dataset;
        fixed (double* values = data.Values)
        {
            LightGbmNative.Check(LightGbmNative.LGBM_DatasetCreateFromMat(values, LightGbmNative.DtypeFloat64, data.RowCount, data.FeatureCount, 1,
                parameters, reference, out dataset), "LGBM_DatasetCreateFromMat");
        }
        try
        {
            // LightGBM takes labels as float32 only.
            var labels = Array.ConvertAll(data.Labels!, l => (float)l);
            fixed (float* label = labels)
                LightGbmNative.Check(LightGbmNative.LGBM_DatasetSetField(dataset, "label", label, labels.Length, LightGbmNative.DtypeFloat32), "LGBM_DatasetSetField(label)");
            // Row weights scale each row's gradient and hessian (LightGBM's "weight" field, float32 like the labels).
            if (data.Weights is { } rowWeights)
            {
                var weights = Array.ConvertAll(rowWeights, w => (float)w);
                fixed (float* weight = weights)
                    LightGbmNative.Check(LightGbmNative.LGBM_DatasetSetField(dataset, "weight", weight, weights.Length, LightGbmNative.DtypeFloat32), "LGBM_DatasetSetField(weight)");
            }
            SetFeatureNames(dataset, names);
            return dataset;
        }
        catch
        {
            LightGbmNative.LGBM_DatasetFree(dataset);
            throw;
        }
    }

    private static unsafe void SetFeatureNames(IntPtr dataset, string[] names)
    {
        var pointers = new IntPtr[names.Length];
        try
        {
            for (var i = 0; i < names.Length; i++) pointers[i] = Marshal.StringToCoTaskMemUTF8(names[i]);
            fixed (IntPtr* list = pointers)
                LightGbmNative.Check(LightGbmNative.LGBM_DatasetSetFeatureNames(dataset, list, names.Length), "LGBM_DatasetSetFeatureNames");
        }
        finally
        {
            foreach (var pointer in pointers) Marshal.FreeCoTaskMem(pointer);
        }
    }
}
