using Pipelines.Learning.Data;
using Pipelines.Learning.Trees;

namespace Pipelines.OnnxRuntime.Tests;

/// <summary>Fixture models and rows that probe every split's edges: NaN, ±0, the zero band, thresholds and their neighbours.</summary>
internal static class TestData
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string LightGbm(string file) => Path.Combine(Root.Value, "tests", "fixtures", "lightgbm", file);

    public static TreeEnsembleModel FixtureModel(string kind) => LightGbmModelReader.Load(LightGbm($"model-{kind}.txt"));

    public static DenseDataset FixtureRows(string kind) => CsvDatasetReader.Read(LightGbm($"test-{kind}.csv"), "label");

    public static double[][] ProbingRows(TreeEnsembleModel model, int count, int seed)
    {
        var thresholds = new List<double>[model.FeatureCount];
        for (int f = 0; f < thresholds.Length; f++) thresholds[f] = new List<double> { 0.0 };
        foreach (var tree in model.Trees)
        {
            for (int node = 0; node < tree.NumLeaves - 1; node++) thresholds[tree.SplitFeature[node]].Add(tree.Threshold[node]);
        }
        var random = new Random(seed);
        var rows = new double[count][];
        for (int r = 0; r < count; r++)
        {
            rows[r] = new double[model.FeatureCount];
            for (int f = 0; f < model.FeatureCount; f++)
            {
                double near = thresholds[f][random.Next(thresholds[f].Count)];
                rows[r][f] = random.Next(10) switch
                {
                    0 => double.NaN,
                    1 => random.Next(2) == 0 ? 0.0 : -0.0,
                    2 => random.Next(2) == 0 ? DecisionTree.ZeroThreshold : -DecisionTree.ZeroThreshold,
                    3 or 4 => near,
                    5 => Math.BitIncrement(near),
                    6 => Math.BitDecrement(near),
                    _ => near + (random.NextDouble() * 2 - 1) * (1 + Math.Abs(near)),
                };
            }
        }
        return rows;
    }

    /// <summary>
    /// An ensemble of random trees whose splits use every missing type and default side, with thresholds at, inside
    /// and around the zero band so the ONNX form of zero-as-missing splits is exercised.
    /// </summary>
    public static TreeEnsembleModel RandomEnsemble(ModelObjective objective, int iterations, int features, int seed)
    {
        var random = new Random(seed);
        var trees = new DecisionTree[iterations * objective.ClassCount];
        for (int t = 0; t < trees.Length; t++) trees[t] = RandomTree(random, features, leaves: 1 + random.Next(12));
        return new TreeEnsembleModel(trees, objective, Enumerable.Range(0, features).Select(f => $"x{f}").ToArray());
    }

    private static DecisionTree RandomTree(Random random, int features, int leaves)
    {
        int internals = leaves - 1;
        var splitFeature = new int[internals];
        var threshold = new double[internals];
        var decision = new byte[internals];
        var left = new int[internals];
        var right = new int[internals];
        var leafValue = new double[leaves];
        // Leaf-wise growth: split leaf 'grown' into itself (left) and leaf n (right) under new node n - 1.
        var parentOfLeaf = new int[leaves];
        parentOfLeaf[0] = -1;
        for (int n = 1; n < leaves; n++)
        {
            int grown = random.Next(n);
            int node = n - 1;
            int parent = parentOfLeaf[grown];
            if (parent >= 0)
            {
                if (left[parent] == ~grown) left[parent] = node;
                else right[parent] = node;
            }
            left[node] = ~grown;
            right[node] = ~n;
            parentOfLeaf[grown] = node;
            parentOfLeaf[n] = node;
            splitFeature[node] = random.Next(features);
            threshold[node] = random.Next(4) switch
            {
                0 => 0.0,
                1 => -DecisionTree.ZeroThreshold * random.Next(3),
                _ => Math.Round(random.NextDouble() * 2 - 1, 2),
            };
            decision[node] = DecisionTree.MakeDecisionType(random.Next(2) == 0, (MissingType)random.Next(3));
        }
        for (int i = 0; i < leaves; i++) leafValue[i] = Math.Round(random.NextDouble() * 2 - 1, 3);
        var counts = Enumerable.Repeat(1, leaves).ToArray();
        return new DecisionTree(splitFeature, new double[internals], threshold, decision, left, right, leafValue, new double[leaves], counts,
            new double[internals], new double[internals], Enumerable.Repeat(2, internals).ToArray(), 1.0);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipelines.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"No Pipelines.sln above {AppContext.BaseDirectory}.");
    }
}
