using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Pipelines.Learning.Explain;
using Pipelines.Learning.Onnx;
using Pipelines.Steps.Train;

namespace Pipelines.Cli.Bench;

/// <summary>
/// Kernel SHAP on small MLPs scored by ONNX Runtime, as explain/shap runs it for an imported model: the time per
/// explained row (p50/p95) of a 12-feature, 3-class network with sampled coalitions over a 32-centroid k-means
/// background; and, on a 6-feature network small enough to enumerate, the error of sampled Kernel SHAP against exact
/// Shapley values computed here by brute force over the same background (every subset, the Shapley weights), with how
/// often the reported standard error covers it.
/// </summary>
internal static class ShapBenchmark
{
    public sealed record Result(
        int Features, int Coalitions, int BackgroundRows, int Rows, double P50Ms, double P95Ms,
        int SmallFeatures, int SmallCoalitions, double MeanAbsError, double MaxAbsError, double MeanStandardError, double CoveredWithinTwoSe,
        double EnumeratedMaxAbsError);

    public static Result Run(int rows, int coalitions, int seed)
    {
        var timing = Timing(12, rows, coalitions, seed);
        var accuracy = Accuracy(6, 40, Math.Min(coalitions, 32), seed);
        return timing with
        {
            SmallFeatures = accuracy.SmallFeatures, SmallCoalitions = accuracy.SmallCoalitions, MeanAbsError = accuracy.MeanAbsError, MaxAbsError = accuracy.MaxAbsError,
            MeanStandardError = accuracy.MeanStandardError, CoveredWithinTwoSe = accuracy.CoveredWithinTwoSe, EnumeratedMaxAbsError = accuracy.EnumeratedMaxAbsError,
        };
    }

    private static Result Timing(int features, int rows, int coalitions, int seed)
    {
        using var model = Network(features, 32, 3, seed);
        var data = Rows(2000, features, seed + 1);
        var background = ShapBackground.KMeans(data, features, 32, (ulong)seed);
        var explainer = new KernelShapExplainer(model.PredictBatch, features, 3, background, new KernelShapOptions { MaxCoalitions = coalitions, Seed = (ulong)seed });
        var contributions = new double[explainer.ContributionLength];
        var errors = new double[3 * features];
        for (var r = 0; r < 5; r++) explainer.Explain(data.AsSpan(r * features, features), contributions, errors);
        var times = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            var start = Stopwatch.GetTimestamp();
            explainer.Explain(data.AsSpan((r % 2000) * features, features), contributions, errors);
            times[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return new Result(features, explainer.CoalitionCount, background.Count, rows, times[rows / 2], times[(int)(rows * 0.95)], 0, 0, 0, 0, 0, 0, 0);
    }

    private static Result Accuracy(int features, int rows, int coalitions, int seed)
    {
        using var model = Network(features, 16, 1, seed + 7);
        var data = Rows(rows + 16, features, seed + 8);
        var background = ShapBackground.FromRows(data.AsSpan(rows * features, 16 * features), features);
        var sampled = new KernelShapExplainer(model.PredictBatch, features, 1, background, new KernelShapOptions { MaxCoalitions = coalitions, Seed = (ulong)seed });
        var enumerated = new KernelShapExplainer(model.PredictBatch, features, 1, background, new KernelShapOptions { MaxCoalitions = 1 << features, Seed = (ulong)seed });
        var values = new double[features + 1];
        var exactValues = new double[features + 1];
        var errors = new double[features];
        double sumError = 0, maxError = 0, sumSe = 0, enumeratedMax = 0;
        var covered = 0;
        for (var r = 0; r < rows; r++)
        {
            var x = data.AsSpan(r * features, features);
            var exact = BruteForce(model, x, background);
            sampled.Explain(x, values, errors);
            enumerated.Explain(x, exactValues);
            for (var j = 0; j < features; j++)
            {
                var error = Math.Abs(values[j] - exact[j]);
                sumError += error;
                maxError = Math.Max(maxError, error);
                sumSe += errors[j];
                if (error <= 2 * errors[j]) covered++;
                enumeratedMax = Math.Max(enumeratedMax, Math.Abs(exactValues[j] - exact[j]));
            }
        }
        var count = rows * features;
        return new Result(0, 0, 0, 0, 0, 0, features, sampled.CoalitionCount, sumError / count, maxError, sumSe / count, covered / (double)count, enumeratedMax);
    }

    // Shapley values by their definition: every subset S of the other features, |S|!(M−|S|−1)!/M! (v(S ∪ j) − v(S)),
    // v(S) the background-weighted mean output with the features in S taken from x.
    private static double[] BruteForce(OnnxRuntimeModel model, ReadOnlySpan<double> x, ShapBackground background)
    {
        var m = x.Length;
        var value = new double[1 << m];
        var batch = new double[background.Count * m];
        var output = new double[background.Count];
        for (var mask = 0; mask < 1 << m; mask++)
        {
            for (var k = 0; k < background.Count; k++)
                for (var f = 0; f < m; f++) batch[k * m + f] = (mask & 1 << f) != 0 ? x[f] : background.Rows[k * m + f];
            model.PredictBatch(batch, background.Count, output);
            for (var k = 0; k < background.Count; k++) value[mask] += background.Weights[k] * output[k];
        }
        var factorial = new double[m + 1];
        factorial[0] = 1;
        for (var i = 1; i <= m; i++) factorial[i] = factorial[i - 1] * i;
        var phi = new double[m];
        for (var j = 0; j < m; j++)
            for (var mask = 0; mask < 1 << m; mask++)
            {
                if ((mask & 1 << j) != 0) continue;
                var size = BitOperations.PopCount((uint)mask);
                phi[j] += factorial[size] * factorial[m - size - 1] / factorial[m] * (value[mask | 1 << j] - value[mask]);
            }
        return phi;
    }

    private static double[] Rows(int count, int features, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count * features).Select(_ => random.NextDouble() * 2 - 1).ToArray();
    }

    /// <summary>A dense ReLU network (inputs → hidden → outputs, Softmax for several outputs, Sigmoid for one) written to ONNX and opened for ONNX Runtime.</summary>
    private static OnnxRuntimeModel Network(int inputs, int hidden, int outputs, int seed)
    {
        var random = new Random(seed);
        float[] Weights(int n, int fanIn) => Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2 - 1) * 2 / Math.Sqrt(fanIn))).ToArray();
        var initializers = new[]
        {
            new OnnxInitializer("W0", [inputs, hidden], Weights(inputs * hidden, inputs)), new OnnxInitializer("B0", [hidden], Weights(hidden, inputs)),
            new OnnxInitializer("W1", [hidden, outputs], Weights(hidden * outputs, hidden)), new OnnxInitializer("B1", [outputs], Weights(outputs, hidden)),
        };
        var final = outputs > 1 ? "Softmax" : "Sigmoid";
        var nodes = new[]
        {
            new OnnxNode("MatMul", "", ["x", "W0"], ["m0"], []), new OnnxNode("Add", "", ["m0", "B0"], ["z0"], []), new OnnxNode("Relu", "", ["z0"], ["h0"], []),
            new OnnxNode("MatMul", "", ["h0", "W1"], ["m1"], []), new OnnxNode("Add", "", ["m1", "B1"], ["z1"], []),
            new OnnxNode(final, "", ["z1"], ["y"], outputs > 1 ? [OnnxAttribute.Int("axis", 1)] : []),
        };
        var metadata = new KeyValuePair<string, string>[]
        {
            new(OnnxTreeEnsembleReader.FeatureNamesKey, string.Join(',', Enumerable.Range(0, inputs).Select(i => "f" + i.ToString(CultureInfo.InvariantCulture)))),
            new(OnnxScoringContract.OutputKey, "y"), new(OnnxScoringContract.TaskKey, outputs > 1 ? "multiclass" : "binary"),
        };
        var path = Path.Combine(Path.GetTempPath(), $"pipelines-shap-bench-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, OnnxModelWriter.Write("mlp", nodes, [new OnnxValueInfo("x", OnnxDataType.Float, inputs)], [new OnnxValueInfo("y", OnnxDataType.Float, outputs)],
            metadata, initializers));
        try
        {
            return OnnxRuntimeModel.Open(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
