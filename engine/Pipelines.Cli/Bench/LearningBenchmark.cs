using System.Diagnostics;
using Pipelines.Learning.Compilation;
using Pipelines.Learning.Data;
using Pipelines.Learning.Drift;
using Pipelines.Learning.LightGbm;
using Pipelines.Learning.Metrics;
using Pipelines.Learning.Trees;

namespace Pipelines.Cli.Bench;

/// <summary>
/// The learning core's figures for docs/benchmarks.md, on the synthetic stream of tests/fixtures/lightgbm/README.md
/// (binary, 20 features, train seed 42, test seed 43, 100 trees, 31 leaves, 255 bins, learning rate 0.1, 2 threads).
/// Training is measured side by side in one process on the same in-memory rows: train/gbdt's trainer
/// (<see cref="LightGbmTrainer"/>) against the bare C API calls it makes, interleaved, best of each.
/// </summary>
public static class LearningBenchmark
{
    public sealed record Result(
        int TrainRows,
        double TrainSeconds,
        double DirectTrainSeconds,
        double TrainCpuSeconds,
        double DirectTrainCpuSeconds,
        double DirectTestAuc,
        bool SameModelText,
        double PeakWorkingSetMb,
        double TestAuc,
        double TestLogLoss,
        double PredictNsPerRow,
        double CompiledPredictNsPerRow,
        double ShapP50Us,
        double ShapP95Us,
        double AdwinNsPerUpdate,
        double Ks2x100kMs);

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["objective"] = "binary", ["num_iterations"] = "100", ["num_leaves"] = "31", ["learning_rate"] = "0.1", ["min_data_in_leaf"] = "20",
        ["max_bin"] = "255", ["num_threads"] = "2", ["seed"] = "1",
    };

    public static Result Run(int trainRows, int testRows, int rounds = 3)
    {
        var train = SyntheticDataGenerator.Generate(SyntheticTask.Binary, trainRows, 20, 42);
        var test = SyntheticDataGenerator.Generate(SyntheticTask.Binary, testRows, 20, 43);
        var parameters = LightGbmParameters.From(Settings);

        // Interleaved, each going first in turn, so both see the same state of the shared machine; the best round of each
        // is reported. CPU time (user + system of the whole process) is less at the mercy of other processes than wall time.
        var ours = double.MaxValue;
        var direct = double.MaxValue;
        var oursCpu = double.MaxValue;
        var directCpu = double.MaxValue;
        string oursText = "", directText = "";
        double[] directPredictions = [];
        for (var round = 0; round < rounds; round++)
        {
            for (var turn = 0; turn < 2; turn++)
            {
                if ((round + turn) % 2 == 0)
                {
                    (var seconds, var cpuSeconds, directText, directPredictions) = DirectLightGbm.TrainAndPredict(train, test, LightGbmTrainer.ForRun(parameters).ToString(), 100);
                    direct = Math.Min(direct, seconds);
                    directCpu = Math.Min(directCpu, cpuSeconds);
                }
                else
                {
                    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                    var clock = Stopwatch.StartNew();
                    using var booster = LightGbmTrainer.Train(train, null, parameters);
                    oursText = booster.ModelText();
                    ours = Math.Min(ours, clock.Elapsed.TotalSeconds);
                    oursCpu = Math.Min(oursCpu, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
                }
            }
        }
        var peak = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);

        // The model as everything downstream reads it: LightGBM's text through our reader and scorer.
        var model = LightGbmModelReader.Parse(oursText, "benchmark model");
        var probabilities = model.PredictAll(test);
        var labels = test.RequireLabels().Select(l => (int)l).ToArray();
        var auc = ClassificationMetrics.RocAuc(labels, probabilities);
        var logLoss = ClassificationMetrics.LogLoss(labels, probabilities);
        var directAuc = ClassificationMetrics.RocAuc(labels, directPredictions);

        var shap = MeasureShap(model, test);
        var prediction = MeasurePrediction();
        return new Result(trainRows, ours, direct, oursCpu, directCpu, directAuc, oursText == directText, peak, auc, logLoss, prediction.Interpreted, prediction.Compiled,
            shap.P50, shap.P95, MeasureAdwin(), MeasureKs());
    }

    /// <summary>
    /// Single-row raw prediction of a 200-tree, 31-leaf binary model, ns per row: interpreted and compiled, each the
    /// best of 100 passes over the same 1,000 rows (<see cref="RowTiming"/>).
    /// </summary>
    public static (double Interpreted, double Compiled) MeasurePrediction()
    {
        var data = SyntheticDataGenerator.Generate(SyntheticTask.Binary, 50_000, 20, 7);
        var model = LightGbmTrainer.TrainEnsemble(data, new Dictionary<string, string>(Settings) { ["num_iterations"] = "200" });
        var compiled = CompiledTreeEnsemble.Compile(model);
        return (RowTiming.BestNsPerRow(model.PredictRaw, data, 1_000, 100), RowTiming.BestNsPerRow(compiled.PredictRaw, data, 1_000, 100));
    }

    /// <summary>
    /// TreeSHAP latency per row on the trained 100-tree, 31-leaf, 20-feature model: p50 and p95 in µs over 2,000 rows.
    /// Measured after two warm-up passes and a pause, so the figures are of optimised code rather than of the first
    /// calls' tiered compilation; each row's latency is the fastest of 5 passes, so the percentiles show how rows differ
    /// rather than when other processes on the shared machine took the core.
    /// </summary>
    public static (double P50, double P95) MeasureShap(TreeEnsembleModel model, DenseDataset rows)
    {
        var explainer = new TreeShapExplainer(model);
        var contributions = new double[(model.FeatureCount + 1) * model.TreesPerIteration];
        var count = Math.Min(rows.RowCount, 2_000);
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < count; i++) explainer.Explain(rows.Row(i), contributions);
        }
        // Tiered compilation installs optimised code from a background thread; give it time to finish.
        Thread.Sleep(250);
        var samples = new double[count];
        Array.Fill(samples, double.MaxValue);
        for (var pass = 0; pass < 5; pass++)
        {
            for (var i = 0; i < count; i++)
            {
                var start = Stopwatch.GetTimestamp();
                explainer.Explain(rows.Row(i), contributions);
                samples[i] = Math.Min(samples[i], Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        }
        Array.Sort(samples);
        return (samples[count / 2], samples[(int)(count * 0.95)]);
    }

    /// <summary>ADWIN (delta 0.002) over 10 million values of a stationary stream, ns per update.</summary>
    public static double MeasureAdwin()
    {
        var random = new Random(5);
        var values = new double[1 << 20];
        for (var i = 0; i < values.Length; i++) values[i] = random.NextDouble();
        var adwin = new Adwin(0.002);
        const int updates = 10_000_000;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < updates; i++) adwin.Update(values[i & (values.Length - 1)]);
        return clock.Elapsed.TotalNanoseconds / updates;
    }

    /// <summary>Two-sample Kolmogorov–Smirnov (statistic and p-value) on 2 x 100,000 values, best of 5, ms.</summary>
    public static double MeasureKs()
    {
        var random = new Random(11);
        var a = new double[100_000];
        var b = new double[100_000];
        for (var i = 0; i < a.Length; i++)
        {
            a[i] = random.NextDouble();
            b[i] = random.NextDouble() * 1.01;
        }
        var best = double.MaxValue;
        for (var repetition = 0; repetition < 5; repetition++)
        {
            var clock = Stopwatch.StartNew();
            KolmogorovSmirnov.TwoSample(a, b);
            best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
        }
        return best;
    }
}
