using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Tests.Trees;

/// <summary>Small random trees with consistent counts, repeated features along paths and all missing types.</summary>
internal static class RandomTrees
{
    public static DecisionTree Create(Random random, int featureCount, int leaves)
    {
        var splitFeature = new int[leaves - 1];
        var threshold = new double[leaves - 1];
        var decision = new byte[leaves - 1];
        var left = new int[leaves - 1];
        var right = new int[leaves - 1];
        var leafValue = new double[leaves];
        var leafCount = new int[leaves];
        var leafParent = new int[leaves];
        leafParent[0] = -1;
        leafCount[0] = 1000;
        // Grow like a leaf-wise learner: split a random leaf with enough rows; left keeps its index, right is new.
        for (int n = 1; n < leaves; n++)
        {
            int leaf;
            do leaf = random.Next(n); while (leafCount[leaf] < 2);
            int node = n - 1;
            splitFeature[node] = random.Next(featureCount);
            threshold[node] = Math.Round(random.NextDouble() * 2 - 1, 2);
            decision[node] = DecisionTree.MakeDecisionType(random.Next(2) == 0, (MissingType)random.Next(3));
            int parent = leafParent[leaf];
            if (parent >= 0)
            {
                if (left[parent] == ~leaf) left[parent] = node;
                else right[parent] = node;
            }
            left[node] = ~leaf;
            right[node] = ~n;
            int total = leafCount[leaf];
            int leftCount = 1 + random.Next(total - 1);
            leafCount[leaf] = leftCount;
            leafCount[n] = total - leftCount;
            leafParent[leaf] = node;
            leafParent[n] = node;
        }
        for (int i = 0; i < leaves; i++) leafValue[i] = Math.Round(random.NextDouble() * 4 - 2, 3);
        var internalCount = new int[leaves - 1];
        for (int node = 0; node < leaves - 1; node++) internalCount[node] = CountBelow(node, left, right, leafCount);
        return new DecisionTree(splitFeature, new double[leaves - 1], threshold, decision, left, right, leafValue, new double[leaves], leafCount,
            new double[leaves - 1], new double[leaves - 1], internalCount, 1.0);
    }

    public static double[] RandomRow(Random random, int featureCount)
    {
        var row = new double[featureCount];
        for (int f = 0; f < featureCount; f++)
        {
            int pick = random.Next(10);
            row[f] = pick == 0 ? double.NaN : pick == 1 ? 0.0 : Math.Round(random.NextDouble() * 2 - 1, 2);
        }
        return row;
    }

    private static int CountBelow(int child, int[] left, int[] right, int[] leafCount) =>
        child < 0 ? leafCount[~child] : CountBelow(left[child], left, right, leafCount) + CountBelow(right[child], left, right, leafCount);
}
