using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;

namespace Pipelines.Cli.Bench;

/// <summary>
/// The baseline of the training benchmark: LightGBM's C API called directly, with nothing of ours around it but the
/// calls themselves (dataset from the matrix, feature names and labels, booster, the iterations, the model text,
/// predictions), so the model text can be compared with the trainer's byte for byte.
/// </summary>
internal static unsafe class DirectLightGbm
{
    /// <summary>Trains and saves the model text, timed (wall and process CPU); then predicts <paramref name="test"/> outside the timing.</summary>
    public static (double TrainSeconds, double TrainCpuSeconds, string ModelText, double[] Predictions) TrainAndPredict(DenseDataset train, DenseDataset test,
        string parameters, int iterations)
    {
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IntPtr dataset, booster;
        fixed (double* values = train.Values)
            LightGbmNative.Check(LightGbmNative.LGBM_DatasetCreateFromMat(values, LightGbmNative.DtypeFloat64, train.RowCount, train.FeatureCount, 1, parameters, IntPtr.Zero, out dataset), "create");
        var names = train.FeatureNames.Select(System.Runtime.InteropServices.Marshal.StringToCoTaskMemUTF8).ToArray();
        fixed (IntPtr* list = names)
            LightGbmNative.Check(LightGbmNative.LGBM_DatasetSetFeatureNames(dataset, list, names.Length), "names");
        foreach (var name in names) System.Runtime.InteropServices.Marshal.FreeCoTaskMem(name);
        var labels = Array.ConvertAll(train.RequireLabels(), l => (float)l);
        fixed (float* label = labels)
            LightGbmNative.Check(LightGbmNative.LGBM_DatasetSetField(dataset, "label", label, labels.Length, LightGbmNative.DtypeFloat32), "label");
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterCreate(dataset, parameters, out booster), "booster");
        for (var i = 0; i < iterations; i++) LightGbmNative.Check(LightGbmNative.LGBM_BoosterUpdateOneIter(booster, out _), "update");

        LightGbmNative.Check(LightGbmNative.LGBM_BoosterSaveModelToString(booster, 0, 0, 0, 0, out var length, null), "save");
        var buffer = new byte[length];
        fixed (byte* text = buffer)
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterSaveModelToString(booster, 0, 0, 0, buffer.Length, out length, text), "save");
        var modelText = System.Text.Encoding.UTF8.GetString(buffer, 0, (int)length - 1);
        var seconds = clock.Elapsed.TotalSeconds;
        var cpuSeconds = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;

        var predictions = new double[test.RowCount];
        fixed (double* values = test.Values)
        fixed (double* output = predictions)
        {
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterPredictForMat(booster, values, LightGbmNative.DtypeFloat64, test.RowCount, test.FeatureCount, 1,
                LightGbmNative.PredictNormal, 0, 0, "", out _, output), "predict");
        }
        LightGbmNative.LGBM_BoosterFree(booster);
        LightGbmNative.LGBM_DatasetFree(dataset);
        return (seconds, cpuSeconds, modelText, predictions);
    }
}
