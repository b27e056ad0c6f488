namespace Pipelines.Learning.Trees;

/// <summary>
/// One regression tree in LightGBM's array layout: internal nodes 0..NumLeaves-2 (node 0 is the root); a child
/// reference c &gt;= 0 is an internal node, c &lt; 0 is leaf ~c. Leaf values already include shrinkage.
/// </summary>
public sealed class DecisionTree
{
    /// <summary>decision_type bit 0: categorical split.</summary>
    public const byte CategoricalMask = 1;

    /// <summary>decision_type bit 1: missing values go left.</summary>
    public const byte DefaultLeftMask = 2;

    /// <summary>LightGBM's kZeroThreshold, a float constant widened to double.</summary>
    public static readonly double ZeroThreshold = 1e-35f;

    public DecisionTree(
        int[] splitFeature, double[] splitGain, double[] threshold, byte[] decisionType, int[] leftChild, int[] rightChild,
        double[] leafValue, double[] leafWeight, int[] leafCount, double[] internalValue, double[] internalWeight, int[] internalCount,
        double shrinkage)
    {
        ArgumentNullException.ThrowIfNull(leafValue);
        int leaves = leafValue.Length;
        if (leaves < 1) throw new ArgumentException("A tree needs at least one leaf.", nameof(leafValue));
        int internals = leaves - 1;
        RequireLength(splitFeature, internals, nameof(splitFeature));
        RequireLength(splitGain, internals, nameof(splitGain));
        RequireLength(threshold, internals, nameof(threshold));
        RequireLength(decisionType, internals, nameof(decisionType));
        RequireLength(leftChild, internals, nameof(leftChild));
        RequireLength(rightChild, internals, nameof(rightChild));
        RequireLength(internalValue, internals, nameof(internalValue));
        RequireLength(internalWeight, internals, nameof(internalWeight));
        RequireLength(internalCount, internals, nameof(internalCount));
        RequireLength(leafWeight, leaves, nameof(leafWeight));
        RequireLength(leafCount, leaves, nameof(leafCount));

        _splitFeature = (int[])splitFeature.Clone();
        _splitGain = (double[])splitGain.Clone();
        _threshold = (double[])threshold.Clone();
        _decisionType = (byte[])decisionType.Clone();
        _leftChild = (int[])leftChild.Clone();
        _rightChild = (int[])rightChild.Clone();
        _leafValue = (double[])leafValue.Clone();
        _leafWeight = (double[])leafWeight.Clone();
        _leafCount = (int[])leafCount.Clone();
        _internalValue = (double[])internalValue.Clone();
        _internalWeight = (double[])internalWeight.Clone();
        _internalCount = (int[])internalCount.Clone();
        Shrinkage = shrinkage;
        for (int node = 0; node < internals; node++)
        {
            if (splitFeature[node] < 0) throw new ArgumentException($"Node {node} splits on negative feature {splitFeature[node]}.", nameof(splitFeature));
            if ((decisionType[node] & CategoricalMask) != 0)
                throw new NotSupportedException($"Node {node} is a categorical split; only numerical splits are supported.");
            if (((decisionType[node] >> 2) & 3) == 3)
                throw new ArgumentException($"Node {node} has decision_type {decisionType[node]} with an unknown missing type 3.", nameof(decisionType));
            MaxSplitFeature = Math.Max(MaxSplitFeature, splitFeature[node]);
        }
        Depth = CheckStructure();
        _nodes = new SplitNode[internals];
        _children = new int[2 * internals];
        for (int node = 0; node < internals; node++)
        {
            _nodes[node] = new SplitNode(splitFeature[node], threshold[node], GetMissingType(decisionType[node]));
            _children[2 * node] = leftChild[node];
            _children[2 * node + 1] = rightChild[node];
        }
    }

    // What prediction reads per node, packed together instead of spread over five arrays.
    private readonly SplitNode[] _nodes;
    private readonly int[] _children;

    // Copies of the constructor's arrays, so a tree cannot change after its prediction caches are built.
    private readonly int[] _splitFeature;
    private readonly double[] _splitGain;
    private readonly double[] _threshold;
    private readonly byte[] _decisionType;
    private readonly int[] _leftChild;
    private readonly int[] _rightChild;
    private readonly double[] _leafValue;
    private readonly double[] _leafWeight;
    private readonly int[] _leafCount;
    private readonly double[] _internalValue;
    private readonly double[] _internalWeight;
    private readonly int[] _internalCount;

    public int NumLeaves => _leafValue.Length;

    /// <summary>Edges on the longest root-to-leaf path (0 for a single leaf).</summary>
    public int Depth { get; }

    /// <summary>Largest feature index used by a split, or -1 for a single leaf.</summary>
    public int MaxSplitFeature { get; } = -1;

    public ReadOnlySpan<int> SplitFeature => _splitFeature;
    public ReadOnlySpan<double> SplitGain => _splitGain;
    public ReadOnlySpan<double> Threshold => _threshold;
    public ReadOnlySpan<byte> DecisionType => _decisionType;
    public ReadOnlySpan<int> LeftChild => _leftChild;
    public ReadOnlySpan<int> RightChild => _rightChild;
    public ReadOnlySpan<double> LeafValue => _leafValue;
    public ReadOnlySpan<double> LeafWeight => _leafWeight;
    public ReadOnlySpan<int> LeafCount => _leafCount;
    public ReadOnlySpan<double> InternalValue => _internalValue;
    public ReadOnlySpan<double> InternalWeight => _internalWeight;
    public ReadOnlySpan<int> InternalCount => _internalCount;
    public double Shrinkage { get; }

    public static MissingType GetMissingType(byte decisionType) => (MissingType)((decisionType >> 2) & 3);

    public static byte MakeDecisionType(bool defaultLeft, MissingType missingType) =>
        (byte)((defaultLeft ? DefaultLeftMask : 0) | ((int)missingType << 2));

    /// <summary>The child of <paramref name="node"/> that a value takes, by LightGBM's numerical decision rule.</summary>
    public int NextNode(double value, int node)
    {
        byte decision = DecisionType[node];
        var missing = (MissingType)((decision >> 2) & 3);
        if (double.IsNaN(value) && missing != MissingType.NaN) value = 0.0;
        if ((missing == MissingType.Zero && value >= -ZeroThreshold && value <= ZeroThreshold)
            || (missing == MissingType.NaN && double.IsNaN(value)))
        {
            return (decision & DefaultLeftMask) != 0 ? LeftChild[node] : RightChild[node];
        }
        return value <= Threshold[node] ? LeftChild[node] : RightChild[node];
    }

    /// <summary>Index of the leaf a row falls in. The row must hold every feature the tree splits on.</summary>
    public int GetLeaf(ReadOnlySpan<double> features)
    {
        SplitNode[] nodes = _nodes;
        if (nodes.Length == 0) return 0;
        int[] children = _children;
        int node = 0;
        while (node >= 0)
        {
            ref readonly SplitNode split = ref nodes[node];
            double value = features[split.Feature];
            if (double.IsNaN(value) || split.Missing == MissingType.Zero)
            {
                node = NextNode(value, node);
                continue;
            }
            // Left/right as an index rather than a branch: the direction is unpredictable, the index is not a jump.
            node = children[2 * node + (value <= split.Threshold ? 0 : 1)];
        }
        return ~node;
    }

    public double Predict(ReadOnlySpan<double> features) => _leafValue[GetLeaf(features)];

    /// <summary>Mean output over the training rows, weighting leaves by their counts (SHAP's base value).</summary>
    public double ExpectedValue()
    {
        if (NumLeaves == 1) return LeafValue[0];
        double total = InternalCount[0];
        double expected = 0.0;
        for (int leaf = 0; leaf < NumLeaves; leaf++) expected += LeafCount[leaf] / total * LeafValue[leaf];
        return expected;
    }

    /// <summary>Rows that reached a child reference (internal node or ~leaf); the cover TreeSHAP weights by.</summary>
    public int Count(int child) => child >= 0 ? InternalCount[child] : LeafCount[~child];

    /// <summary>A copy with <paramref name="bias"/> added to every leaf and internal value and shrinkage reset to 1.</summary>
    public DecisionTree WithBias(double bias)
    {
        var leafValue = (double[])_leafValue.Clone();
        var internalValue = (double[])_internalValue.Clone();
        for (int i = 0; i < leafValue.Length; i++) leafValue[i] += bias;
        for (int i = 0; i < internalValue.Length; i++) internalValue[i] += bias;
        return new DecisionTree(_splitFeature, _splitGain, _threshold, _decisionType, _leftChild, _rightChild, leafValue, _leafWeight, _leafCount,
            internalValue, _internalWeight, _internalCount, 1.0);
    }

    private static void RequireLength<T>(T[] array, int length, string name)
    {
        ArgumentNullException.ThrowIfNull(array, name);
        if (array.Length != length) throw new ArgumentException($"{name} has {array.Length} entries; a tree with {length + (name.StartsWith("leaf", StringComparison.Ordinal) ? 0 : 1)} leaves needs {length}.", name);
    }

    // Every internal node but the root, and every leaf, must be the child of exactly one node, and the root must
    // reach them all; otherwise prediction could loop or miss leaves.
    private int CheckStructure()
    {
        int internals = NumLeaves - 1;
        if (internals == 0) return 0;
        var seenNode = new bool[internals];
        var seenLeaf = new bool[NumLeaves];
        var stack = new Stack<(int Node, int Depth)>();
        stack.Push((0, 0));
        seenNode[0] = true;
        int depth = 0;
        while (stack.Count > 0)
        {
            var (node, nodeDepth) = stack.Pop();
            foreach (int child in new[] { LeftChild[node], RightChild[node] })
            {
                if (child >= 0)
                {
                    if (child >= internals) throw new ArgumentException($"Node {node} points to internal node {child}, but there are only {internals}.");
                    if (seenNode[child]) throw new ArgumentException($"Internal node {child} is reached twice (or is the root).");
                    seenNode[child] = true;
                    stack.Push((child, nodeDepth + 1));
                }
                else
                {
                    int leaf = ~child;
                    if (leaf >= NumLeaves) throw new ArgumentException($"Node {node} points to leaf {leaf}, but there are only {NumLeaves}.");
                    if (seenLeaf[leaf]) throw new ArgumentException($"Leaf {leaf} is reached twice.");
                    seenLeaf[leaf] = true;
                    depth = Math.Max(depth, nodeDepth + 1);
                }
            }
        }
        int unreachedLeaf = Array.IndexOf(seenLeaf, false);
        if (unreachedLeaf >= 0) throw new ArgumentException($"Leaf {unreachedLeaf} is not reachable from the root.");
        return depth;
    }

    private readonly record struct SplitNode(int Feature, double Threshold, MissingType Missing);
}
