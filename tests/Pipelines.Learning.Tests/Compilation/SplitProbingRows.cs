using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Tests.Compilation;

/// <summary>
/// Random rows aimed at the places a compiled split can disagree with the interpreter: NaN, +0 and -0, the zero band
/// edges (±1e-35), values exactly at a threshold and one ulp either side of it.
/// </summary>
internal static class SplitProbingRows
{
    public static double[][] Create(TreeEnsembleModel model, int count, int seed)
    {
        var thresholds = new List<double>[model.FeatureCount];
        for (int f = 0; f < thresholds.Length; f++) thresholds[f] = new List<double>();
        foreach (var tree in model.Trees)
        {
            for (int node = 0; node < tree.NumLeaves - 1; node++) thresholds[tree.SplitFeature[node]].Add(tree.Threshold[node]);
        }
        var random = new Random(seed);
        var rows = new double[count][];
        for (int r = 0; r < count; r++)
        {
            var row = new double[model.FeatureCount];
            for (int f = 0; f < row.Length; f++) row[f] = Pick(random, thresholds[f]);
            rows[r] = row;
        }
        return rows;
    }

    private static double Pick(Random random, List<double> thresholds)
    {
        double near = thresholds.Count == 0 ? 0.0 : thresholds[random.Next(thresholds.Count)];
        return random.Next(12) switch
        {
            0 => double.NaN,
            1 => 0.0,
            2 => -0.0,
            3 => random.Next(2) == 0 ? DecisionTree.ZeroThreshold : -DecisionTree.ZeroThreshold,
            4 => random.Next(2) == 0 ? 1e-36 : -1e-36,
            5 or 6 or 7 => near,
            8 => Math.BitIncrement(near),
            9 => Math.BitDecrement(near),
            _ => near + (random.NextDouble() * 2 - 1) * (1 + Math.Abs(near)),
        };
    }
}
