using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Pipelines.Learning.Trees;

/// <summary>
/// One tree's TreeSHAP precomputed over every pattern of its paths (the idea of Fast TreeSHAP v2, Yang 2021).
/// For a leaf whose path holds d distinct features, the only thing a row changes is which of them are "cold"
/// (the row leaves the path at some split on that feature). For leaves with few features the SHAP weights of all
/// 2^d patterns are computed once, so a row costs one traversal plus d additions per leaf; leaves with more
/// features (or past the memory budget) get the weights of the row's one pattern computed when it is explained.
/// </summary>
internal sealed class TreeShapTable
{
    /// <summary>Most distinct features a path may hold: the cold pattern is a 64-bit mask.</summary>
    public const int MaxPatternFeatures = 64;

    private readonly DecisionTree _tree;

    // Internal nodes with every parent before its children, so one forward pass carries the cold masks down.
    private readonly OrderedNode[] _nodes;

    // Per leaf: where its features (and their zero fractions) start, how many distinct features its path holds,
    // and where its table starts (-1 for a leaf computed per row).
    private readonly int[] _leafFeatureStart;
    private readonly int[] _leafFeatureCount;
    private readonly int[] _leafTableStart;
    private readonly int[] _leafFeatures;
    private readonly double[] _leafZeros;

    // Per tabulated leaf and cold mask c (bit k set: the row leaves the path at a split on the leaf's k-th feature),
    // d consecutive contributions, one per feature, already multiplied by the leaf value.
    private readonly double[] _table;


    private TreeShapTable(DecisionTree tree, OrderedNode[] nodes, int[] leafFeatureStart, int[] leafFeatureCount, int[] leafTableStart,
        int[] leafFeatures, double[] leafZeros, double[] table, int tabulatedLeaves)
    {
        _tree = tree;
        _nodes = nodes;
        _leafFeatureStart = leafFeatureStart;
        _leafFeatureCount = leafFeatureCount;
        _leafTableStart = leafTableStart;
        _leafFeatures = leafFeatures;
        _leafZeros = leafZeros;
        _table = table;
        TabulatedLeafCount = tabulatedLeaves;
        MaxPathFeatures = leafFeatureCount.Max();
    }

    /// <summary>Number of doubles the table holds.</summary>
    public int TableLength => _table.Length;

    /// <summary>Most distinct features on one path; the scratch path of <see cref="Explain"/> needs one more element.</summary>
    public int MaxPathFeatures { get; }

    /// <summary>Cold masks <see cref="Explain"/> needs scratch space for: one per internal node and leaf.</summary>
    public int MaskCount => 2 * _tree.NumLeaves - 1;

    /// <summary>Leaves whose weights come from the table rather than being computed per row.</summary>
    public int TabulatedLeafCount { get; }

    /// <summary>
    /// Builds the table, tabulating leaves whose path holds at most <paramref name="maxTabulatedFeatures"/> distinct
    /// features while the table stays within <paramref name="budget"/> doubles (it grows as d 2^d per leaf). Returns
    /// null for a single leaf or when a path holds more than <see cref="MaxPatternFeatures"/> distinct features.
    /// </summary>
    public static TreeShapTable? TryCreate(DecisionTree tree, int maxTabulatedFeatures, long budget)
    {
        int internals = tree.NumLeaves - 1;
        if (internals == 0) return null;
        int leaves = tree.NumLeaves;
        var nodeBit = new ulong[internals];
        var leafPathFeatures = new int[leaves][];
        var leafPathZeros = new double[leaves][];
        // The features of the path so far in order of first appearance, with their products of cover fractions.
        var pathFeatures = new int[tree.Depth + 1];
        var pathZeros = new double[tree.Depth + 1];
        if (!Collect(tree, 0, 0, pathFeatures, pathZeros, nodeBit, leafPathFeatures, leafPathZeros)) return null;

        // One array holds the whole table, so it cannot outgrow an array's length whatever the budget.
        budget = Math.Min(budget, Array.MaxLength);
        var leafFeatureStart = new int[leaves];
        var leafFeatureCount = new int[leaves];
        var leafTableStart = new int[leaves];
        int featureTotal = 0;
        long tableTotal = 0;
        int tabulatedLeaves = 0;
        for (int leaf = 0; leaf < leaves; leaf++)
        {
            int d = leafPathFeatures[leaf].Length;
            leafFeatureCount[leaf] = d;
            leafFeatureStart[leaf] = featureTotal;
            featureTotal += d;
            long size = d <= maxTabulatedFeatures ? (long)d << d : long.MaxValue;
            if (size <= budget - tableTotal)
            {
                leafTableStart[leaf] = checked((int)tableTotal);
                tableTotal += size;
                tabulatedLeaves++;
            }
            else
            {
                leafTableStart[leaf] = -1;
            }
        }
        var leafFeatures = new int[featureTotal];
        var leafZeros = new double[featureTotal];
        // Pinned, so the addresses given to the prefetcher are the array's for as long as it lives.
        var table = GC.AllocateArray<double>(checked((int)tableTotal), pinned: true);
        var scratch = new TreeShapPathElement[Math.Min(maxTabulatedFeatures, MaxPatternFeatures) + 1];
        for (int leaf = 0; leaf < leaves; leaf++)
        {
            leafPathFeatures[leaf].CopyTo(leafFeatures, leafFeatureStart[leaf]);
            leafPathZeros[leaf].CopyTo(leafZeros, leafFeatureStart[leaf]);
            if (leafTableStart[leaf] < 0) continue;
            int d = leafFeatureCount[leaf];
            double leafValue = tree.LeafValue[leaf];
            for (int cold = 0; cold < 1 << d; cold++)
                LeafContributions(leafValue, leafPathZeros[leaf], (ulong)cold, table.AsSpan(leafTableStart[leaf] + cold * d, d), scratch);
        }

        // Breadth-first order puts parents before children whatever the file's node numbering.
        var nodes = new OrderedNode[internals];
        nodes[0] = OrderedNode.Create(tree, 0, nodeBit[0]);
        for (int filled = 1, next = 0; next < filled; next++)
        {
            int node = nodes[next].Node;
            foreach (int child in new[] { tree.LeftChild[node], tree.RightChild[node] })
            {
                if (child >= 0) nodes[filled++] = OrderedNode.Create(tree, child, nodeBit[child]);
            }
        }
        return new TreeShapTable(tree, nodes, leafFeatureStart, leafFeatureCount, leafTableStart, leafFeatures, leafZeros, table, tabulatedLeaves);
    }

    /// <summary>
    /// Adds this tree's SHAP values for one row to <paramref name="phi"/> (feature values only). The scratch spans
    /// (<see cref="MaskCount"/> masks, <see cref="MaxPathFeatures"/> + 1 path elements) belong to the caller, so a
    /// table is never written after it is built.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Explain(ReadOnlySpan<double> features, Span<double> phi, Span<ulong> cold, Span<TreeShapPathElement> path)
    {
        cold[0] = 0;
        foreach (ref readonly OrderedNode node in _nodes.AsSpan())
        {
            double value = features[node.Feature];
            bool right = double.IsNaN(value) || node.MissingIsZero
                ? _tree.NextNode(value, node.Node) != _tree.LeftChild[node.Node]
                : !(value <= node.Threshold);
            // The feature goes cold on the side the row does not take; masks instead of branches, as the side is unpredictable.
            ulong rightTaken = 0UL - (right ? 1UL : 0UL);
            ulong reaching = cold[node.Node];
            cold[node.LeftSlot] = reaching | (node.Bit & rightTaken);
            cold[node.RightSlot] = reaching | (node.Bit & ~rightTaken);
        }

        double[] table = _table;
        int[] leafFeatures = _leafFeatures;
        int[] leafTableStart = _leafTableStart;
        int[] leafFeatureStart = _leafFeatureStart;
        int[] leafFeatureCount = _leafFeatureCount;
        int leafSlots = _nodes.Length;
        if (Sse.IsSupported) PrefetchEntries(cold[leafSlots..]);
        for (int leaf = 0; leaf < leafTableStart.Length; leaf++)
        {
            int tableStart = leafTableStart[leaf];
            ulong leafCold = cold[leafSlots + leaf];
            if (tableStart < 0)
            {
                AddLeafContributions(leaf, leafCold, phi, path);
                continue;
            }
            int d = leafFeatureCount[leaf];
            int featureStart = leafFeatureStart[leaf];
            int entry = tableStart + (int)leafCold * d;
            for (int k = 0; k < d; k++) phi[leafFeatures[featureStart + k]] += table[entry + k];
        }
    }

    // The row's entries lie far apart in a table of many megabytes, so nearly every one is a cache miss; asking for
    // all of a tree's entries before adding any lets the misses overlap instead of queueing behind the additions.
    private unsafe void PrefetchEntries(ReadOnlySpan<ulong> leafCold)
    {
        ref double table = ref MemoryMarshal.GetArrayDataReference(_table);
        int[] leafTableStart = _leafTableStart;
        int[] leafFeatureCount = _leafFeatureCount;
        for (int leaf = 0; leaf < leafTableStart.Length; leaf++)
        {
            int tableStart = leafTableStart[leaf];
            if (tableStart < 0) continue;
            int d = leafFeatureCount[leaf];
            int entry = tableStart + (int)leafCold[leaf] * d;
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref table, entry)));
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref table, entry + d - 1)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddLeafContributions(int leaf, ulong cold, Span<double> phi, Span<TreeShapPathElement> scratch)
    {
        int d = _leafFeatureCount[leaf];
        int featureStart = _leafFeatureStart[leaf];
        var zeros = _leafZeros.AsSpan(featureStart, d);
        var path = scratch[..(d + 1)];
        BuildPath(zeros, cold, path);
        double leafValue = _tree.LeafValue[leaf];
        for (int k = 0; k < d; k++)
        {
            double one = path[k + 1].One;
            phi[_leafFeatures[featureStart + k]] += TreeShapPath.UnwoundSum(path, d, k + 1) * (one - zeros[k]) * leafValue;
        }
    }

    // Algorithm 2's path for one leaf and pattern: the root placeholder, then each feature with one fraction 0 if
    // it is cold and 1 otherwise.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BuildPath(ReadOnlySpan<double> zeros, ulong cold, Span<TreeShapPathElement> path)
    {
        TreeShapPath.Extend(path, 0, 1.0, 1.0, -1);
        for (int k = 0; k < zeros.Length; k++) TreeShapPath.Extend(path, k + 1, zeros[k], (cold & (1UL << k)) != 0 ? 0.0 : 1.0, k);
    }

    // Each feature's Shapley weight on the leaf's path for one pattern, times (one - zero) and the leaf value.
    private static void LeafContributions(double leafValue, double[] zeros, ulong cold, Span<double> destination, TreeShapPathElement[] scratch)
    {
        int d = zeros.Length;
        var path = scratch.AsSpan(0, d + 1);
        BuildPath(zeros, cold, path);
        for (int k = 0; k < d; k++)
        {
            double one = path[k + 1].One;
            destination[k] = TreeShapPath.UnwoundSum(path, d, k + 1) * (one - zeros[k]) * leafValue;
        }
    }

    // Walks every root-to-leaf path, recording each node's pattern bit and each leaf's distinct features with the
    // product of cover fractions of their splits. False when a path holds too many distinct features for a mask.
    private static bool Collect(DecisionTree tree, int child, int length, int[] pathFeatures, double[] pathZeros, ulong[] nodeBit,
        int[][] leafPathFeatures, double[][] leafPathZeros)
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
            if (length == MaxPatternFeatures) return false;
            position = length;
            pathFeatures[position] = feature;
            pathZeros[position] = 1.0;
            extended = length + 1;
        }
        nodeBit[child] = 1UL << position;
        double previousZero = pathZeros[position];
        double cover = tree.Count(child);
        foreach (int next in new[] { tree.LeftChild[child], tree.RightChild[child] })
        {
            pathZeros[position] = previousZero * (tree.Count(next) / cover);
            if (!Collect(tree, next, extended, pathFeatures, pathZeros, nodeBit, leafPathFeatures, leafPathZeros)) return false;
        }
        pathZeros[position] = previousZero;
        return true;
    }

    // What the forward pass reads per node; slots index the cold masks of the node's children.
    private readonly record struct OrderedNode(int Node, int Feature, double Threshold, bool MissingIsZero, ulong Bit, int LeftSlot, int RightSlot)
    {
        public static OrderedNode Create(DecisionTree tree, int node, ulong bit)
        {
            int internals = tree.NumLeaves - 1;
            int left = tree.LeftChild[node];
            int right = tree.RightChild[node];
            return new OrderedNode(node, tree.SplitFeature[node], tree.Threshold[node],
                DecisionTree.GetMissingType(tree.DecisionType[node]) == MissingType.Zero, bit,
                left >= 0 ? left : internals + ~left, right >= 0 ? right : internals + ~right);
        }
    }
}
