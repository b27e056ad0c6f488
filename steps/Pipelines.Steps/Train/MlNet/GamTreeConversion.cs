using Microsoft.ML.Calibrators;
using Microsoft.ML.Trainers.FastTree;
using Pipelines.Learning.Data;
using Pipelines.Learning.Trees;

namespace Pipelines.Steps.Train.MlNet;

/// <summary>
/// A GAM as the tree ensemble it is: ML.NET scores a row as bias + Σ_f effect_f[bin_f(x_f)], where bin_f(x) is the
/// first bin whose upper bound is ≥ x; each feature's step function becomes one balanced tree splitting "x ≤ upper
/// bound" (the same test) with the bin effects as leaves, and the bias one constant tree. A binary GAM's Platt
/// calibrator, p = 1 / (1 + exp(slope·s + offset)), is folded in: leaves scaled by −slope and −offset added to the
/// constant, so the logistic of the ensemble's sum is ML.NET's probability. ML.NET's ONNX converter cannot export a
/// GAM; this form is exported by our own TreeEnsemble exporter instead, and scored, compiled and explained as trees.
/// Leaf counts (the covers TreeSHAP weighs paths by) are the training rows falling in each bin.
/// </summary>
internal static class GamTreeConversion
{
    public static TreeEnsembleModel ToEnsemble(object parameters, DenseDataset train)
    {
        var (gam, scale, shift, objective) = parameters switch
        {
            CalibratedModelParametersBase<GamBinaryModelParameters, PlattCalibrator> calibrated =>
                ((GamModelParametersBase)calibrated.SubModel, -calibrated.Calibrator.Slope, -calibrated.Calibrator.Offset, ModelObjective.Binary()),
            GamRegressionModelParameters regression => ((GamModelParametersBase)regression, 1.0, 0.0, ModelObjective.Regression()),
            _ => throw new ArgumentException($"{parameters.GetType().Name} is not a GAM this conversion knows.", nameof(parameters)),
        };
        var trees = new List<DecisionTree>();
        for (var feature = 0; feature < train.FeatureCount; feature++)
        {
            var bounds = gam.GetBinUpperBounds(feature);
            var effects = gam.GetBinEffects(feature);
            if (effects.Count < 2) continue;
            var counts = new int[effects.Count];
            for (var r = 0; r < train.RowCount; r++) counts[Bin(bounds, train[r, feature])]++;
            trees.Add(ShapeTree(feature, bounds, effects.Select(e => e * scale).ToArray(), counts));
        }
        trees.Add(Constant(gam.Bias * scale + shift, train.RowCount));
        return new TreeEnsembleModel(trees, objective, train.FeatureNames);
    }

    /// <summary>ML.NET's bin of a value: the first whose upper bound is at least the value (as float, as ML.NET reads it).</summary>
    private static int Bin(IReadOnlyList<double> bounds, double value)
    {
        var x = (float)value;
        for (var b = 0; b < bounds.Count - 1; b++)
        {
            if (bounds[b] >= x) return b;
        }
        return bounds.Count - 1;
    }

    // A balanced tree over bins [low, high]: split between the middle bins on the lower one's upper bound.
    private static DecisionTree ShapeTree(int feature, IReadOnlyList<double> bounds, double[] leaves, int[] counts)
    {
        var internals = leaves.Length - 1;
        var threshold = new double[internals];
        var left = new int[internals];
        var right = new int[internals];
        var internalCount = new int[internals];
        var next = 0;
        int Build(int low, int high)
        {
            if (low == high) return ~low;
            var node = next++;
            var middle = (low + high) / 2;
            threshold[node] = bounds[middle];
            left[node] = Build(low, middle);
            right[node] = Build(middle + 1, high);
            for (var b = low; b <= high; b++) internalCount[node] += counts[b];
            return node;
        }
        Build(0, leaves.Length - 1);
        return new DecisionTree(Enumerable.Repeat(feature, internals).ToArray(), new double[internals], threshold,
            Enumerable.Repeat(DecisionTree.MakeDecisionType(false, MissingType.None), internals).ToArray(), left, right,
            leaves, counts.Select(c => (double)c).ToArray(), counts, new double[internals], internalCount.Select(c => (double)c).ToArray(), internalCount, 1.0);
    }

    private static DecisionTree Constant(double value, int rows) =>
        new([], [], [], [], [], [], [value], [rows], [rows], [], [], [], 1.0);
}
