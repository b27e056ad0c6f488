namespace Pipelines.Learning.Trees;

/// <summary>
/// One tree's TreeSHAP precomputed over every pattern of its paths (the idea of Fast TreeSHAP v2, Yang 2021).
/// For a leaf whose path holds d distinct features, the only thing a row changes is which of them are "cold"
/// (the row leaves the path at some split on that feature); the SHAP weights of each of the 2^d patterns are
/// computed once, so explaining a row is one traversal plus d additions per leaf.
/// </summary>
internal sealed class TreeShapTable
{
    private readonly DecisionTree _tree;
    private readonly FastNode[] _nodes;

    // Per internal node: the bit its feature holds in the patterns of every leaf below it.
    private readonly int[] _nodeBit;

    // Per leaf: where its features and its table start, and how many distinct features its path holds.
    private readonly int[] _leafFeatureStart;
    private readonly int[] _leafFeatureCount;
    private readonly int[] _leafTableStart;
    private readonly int[] _leafFeatures;

    // Per leaf and cold mask c (bit k set: the row leaves the path at a split on the leaf's k-th feature),
    // d consecutive contributions, one per feature, already multiplied by the leaf value.
    private readonly double[] _table;

    // Explicit traversal stack: (child, cold mask) pairs waiting to be visited.
    private readonly int[] _stackChild;
    private readonly int[] _stackCold;

    private TreeShapTable(DecisionTree tree, FastNode[] nodes, int[] nodeBit, int[] leafFeatureStart, int[] leafFeatureCount, int[] leafTableStart,
        int[] leafFeatures, double[] table)
    {
        _tree = tree;
        _nodes = nodes;
        _nodeBit = nodeBit;
        _leafFeatureStart = leafFeatureStart;
        _leafFeatureCount = leafFeatureCount;
        _leafTableStart = leafTableStart;
        _leafFeatures = leafFeatures;
        _table = table;
        _stackChild = new int[tree.Depth + 2];
        _stackCold = new int[tree.Depth + 2];
    }

    /// <summary>Number of doubles the table holds.</summary>
    public int TableLength => _table.Length;

    /// <summary>
    /// Builds the table, or returns null when some leaf's path holds more than <paramref name="maxPathFeatures"/>
    /// distinct features or the table would take more than <paramref name="budget"/> doubles (it grows as d 2^d
    /// per leaf, so such trees are explained path by path instead).
    /// </summary>
    public static TreeShapTable? TryCreate(DecisionTree tree, int maxPathFeatures, long budget)
    {
        int internals = tree.NumLeaves - 1;
        if (internals == 0) return null;
        int leaves = tree.NumLeaves;
        var nodeBit = new int[internals];
        var leafFeatureCount = new int[leaves];
        var leafPathFeatures = new int[leaves][];
        var leafPathZeros = new double[leaves][];
        // The features of the path so far in order of first appearance, with their products of cover fractions.
        var pathFeatures = new int[tree.Depth + 1];
        var pathZeros = new double[tree.Depth + 1];
        if (!Collect(tree, 0, 0, pathFeatures, pathZeros, nodeBit, leafPathFeatures, leafPathZeros, maxPathFeatures)) return null;

        var leafFeatureStart = new int[leaves];
        var leafTableStart = new int[leaves];
        int featureTotal = 0;
        long tableTotal = 0;
        for (int leaf = 0; leaf < leaves; leaf++)
        {
            int d = leafPathFeatures[leaf].Length;
            leafFeatureCount[leaf] = d;
            leafFeatureStart[leaf] = featureTotal;
            featureTotal += d;
            leafTableStart[leaf] = checked((int)tableTotal);
            tableTotal += (long)d << d;
        }
        if (tableTotal > budget) return null;
        var leafFeatures = new int[featureTotal];
        var table = new double[checked((int)tableTotal)];
        var scratch = new TreeShapPathElement[maxPathFeatures + 1];
        for (int leaf = 0; leaf < leaves; leaf++)
        {
            leafPathFeatures[leaf].CopyTo(leafFeatures, leafFeatureStart[leaf]);
            FillLeaf(tree.LeafValue[leaf], leafPathZeros[leaf], table.AsSpan(leafTableStart[leaf], leafPathFeatures[leaf].Length << leafPathFeatures[leaf].Length), scratch);
        }

        var nodes = new FastNode[internals];
        for (int node = 0; node < internals; node++)
        {
            var missing = DecisionTree.GetMissingType(tree.DecisionType[node]);
            nodes[node] = new FastNode(tree.SplitFeature[node], tree.Threshold[node], missing == MissingType.Zero, tree.LeftChild[node], tree.RightChild[node]);
        }
        return new TreeShapTable(tree, nodes, nodeBit, leafFeatureStart, leafFeatureCount, leafTableStart, leafFeatures, table);
    }

    /// <summary>Adds this tree's SHAP values for one row to <paramref name="phi"/> (feature values only).</summary>
    public void Explain(ReadOnlySpan<double> features, Span<double> phi)
    {
        FastNode[] nodes = _nodes;
        int[] nodeBit = _nodeBit;
        int[] stackChild = _stackChild;
        int[] stackCold = _stackCold;
        double[] table = _table;
        int[] leafFeatures = _leafFeatures;
        int top = 0;
        int child = 0;
        int cold = 0;
        while (true)
        {
            // Descend taking the row's side first; the other side, with this feature gone cold, waits on the stack.
            while (child >= 0)
            {
                ref readonly FastNode node = ref nodes[child];
                double value = features[node.Feature];
                int hot;
                if (double.IsNaN(value) || node.MissingIsZero) hot = _tree.NextNode(value, child);
                else hot = value <= node.Threshold ? node.Left : node.Right;
                stackChild[top] = hot == node.Left ? node.Right : node.Left;
                stackCold[top] = cold | nodeBit[child];
                top++;
                child = hot;
            }

            int leaf = ~child;
            int d = _leafFeatureCount[leaf];
            int entry = _leafTableStart[leaf] + cold * d;
            int featureStart = _leafFeatureStart[leaf];
            for (int k = 0; k < d; k++) phi[leafFeatures[featureStart + k]] += table[entry + k];

            if (top == 0) return;
            top--;
            child = stackChild[top];
            cold = stackCold[top];
        }
    }

    // Walks every root-to-leaf path, recording each node's pattern bit and each leaf's distinct features with the
    // product of cover fractions of their splits. False when a path holds too many distinct features.
    private static bool Collect(DecisionTree tree, int child, int length, int[] pathFeatures, double[] pathZeros, int[] nodeBit,
        int[][] leafPathFeatures, double[][] leafPathZeros, int maxPathFeatures)
    {
        if (child < 0)
        {
            leafPathFeatures[~child] = pathFeatures[..length];
            leafPathZeros[~child] = pathZeros[..length];
            return true;
        }
        int feature = tree.SplitFeature[child];
        int position = Array.IndexOf(pathFeatures, feature, 0, length);
        int extended = length;
        if (position < 0)
        {
            if (length == maxPathFeatures) return false;
            position = length;
            pathFeatures[position] = feature;
            pathZeros[position] = 1.0;
            extended = length + 1;
        }
        nodeBit[child] = 1 << position;
        double previousZero = pathZeros[position];
        double cover = tree.Count(child);
        foreach (int next in new[] { tree.LeftChild[child], tree.RightChild[child] })
        {
            pathZeros[position] = previousZero * (tree.Count(next) / cover);
            if (!Collect(tree, next, extended, pathFeatures, pathZeros, nodeBit, leafPathFeatures, leafPathZeros, maxPathFeatures)) return false;
        }
        pathZeros[position] = previousZero;
        return true;
    }

    // For each cold mask, the Shapley weight of each feature on this leaf's path (Algorithm 2's extend and unwound
    // sum with one fractions 0 for cold features and 1 for the rest), times (one - zero) and the leaf value.
    private static void FillLeaf(double leafValue, double[] zeros, Span<double> destination, TreeShapPathElement[] scratch)
    {
        int d = zeros.Length;
        var path = scratch.AsSpan(0, d + 1);
        for (int cold = 0; cold < 1 << d; cold++)
        {
            TreeShapPath.Extend(path, 0, 1.0, 1.0, -1);
            for (int k = 0; k < d; k++) TreeShapPath.Extend(path, k + 1, zeros[k], (cold & (1 << k)) != 0 ? 0.0 : 1.0, k);
            var contributions = destination.Slice(cold * d, d);
            for (int k = 0; k < d; k++)
            {
                double one = path[k + 1].One;
                contributions[k] = TreeShapPath.UnwoundSum(path, d, k + 1) * (one - zeros[k]) * leafValue;
            }
        }
    }

    private readonly record struct FastNode(int Feature, double Threshold, bool MissingIsZero, int Left, int Right);
}
