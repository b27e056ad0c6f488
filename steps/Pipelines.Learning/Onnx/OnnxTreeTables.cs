using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Onnx;

/// <summary>
/// The parallel node and leaf-weight lists of an ai.onnx.ml TreeEnsemble operator, filled tree by tree from
/// LightGBM's layout. Node ids restart at 0 in every tree and follow emission order.
/// </summary>
internal sealed class OnnxTreeTables
{
    // A zero-as-missing split can need copies of its subtrees (see EmitZeroSplit); past this a tree is refused
    // rather than written as a file too large to load.
    private const int MaxNodesPerTree = 1 << 20;

    public List<long> TreeIds { get; } = new();
    public List<long> NodeIds { get; } = new();
    public List<long> FeatureIds { get; } = new();
    public List<string> Modes { get; } = new();
    public List<double> Values { get; } = new();
    public List<long> TrueIds { get; } = new();
    public List<long> FalseIds { get; } = new();
    public List<long> MissingTracksTrue { get; } = new();

    public List<long> WeightTreeIds { get; } = new();
    public List<long> WeightNodeIds { get; } = new();
    public List<long> WeightTargets { get; } = new();
    public List<double> Weights { get; } = new();

    private DecisionTree _tree = null!;
    private int _treeId;
    private int _firstRow;
    private (int Target, double Scale)[] _leafTargets = Array.Empty<(int, double)>();

    /// <summary>
    /// Appends a tree; each of its leaves contributes value * Scale to every listed target (one target for
    /// regression and softmax, two mirrored ones for a binary classifier).
    /// </summary>
    public void AddTree(int treeId, DecisionTree tree, (int Target, double Scale)[] leafTargets)
    {
        _tree = tree;
        _treeId = treeId;
        _firstRow = TreeIds.Count;
        _leafTargets = leafTargets;
        if (tree.NumLeaves == 1) EmitLeaf(0);
        else EmitSplit(0);
    }

    private int EmitChild(int child) => child < 0 ? EmitLeaf(~child) : EmitSplit(child);

    private int EmitLeaf(int leaf)
    {
        int id = AddNode("LEAF", 0, 0.0, tracksTrue: false);
        foreach (var (target, scale) in _leafTargets)
        {
            WeightTreeIds.Add(_treeId);
            WeightNodeIds.Add(id);
            WeightTargets.Add(target);
            Weights.Add(_tree.LeafValue[leaf] * scale);
        }
        return id;
    }

    // BRANCH_LEQ is LightGBM's x <= threshold; where NaN goes is the missing-value flag, as DecisionTree.NextNode decides.
    private int EmitSplit(int node)
    {
        int feature = _tree.SplitFeature[node];
        double threshold = _tree.Threshold[node];
        byte decision = _tree.DecisionType[node];
        bool defaultLeft = (decision & DecisionTree.DefaultLeftMask) != 0;
        switch (DecisionTree.GetMissingType(decision))
        {
            case MissingType.None:
                // NaN reads as 0.0.
                return EmitComparison(node, feature, threshold, nanGoesLeft: 0.0 <= threshold);
            case MissingType.NaN:
                return EmitComparison(node, feature, threshold, defaultLeft);
            case MissingType.Zero:
                // When every value of the zero band [-1e-35, 1e-35] already compares to the default side, the band
                // needs no node of its own.
                double zero = DecisionTree.ZeroThreshold;
                if (defaultLeft && threshold >= zero) return EmitComparison(node, feature, threshold, nanGoesLeft: true);
                if (!defaultLeft && threshold < -zero) return EmitComparison(node, feature, threshold, nanGoesLeft: false);
                return EmitZeroSplit(node, feature, threshold, defaultLeft);
            default:
                throw new InvalidOperationException($"Node {node} has an unknown missing type in decision_type {decision}.");
        }
    }

    private int EmitComparison(int node, int feature, double threshold, bool nanGoesLeft)
    {
        int id = AddNode("BRANCH_LEQ", feature, threshold, nanGoesLeft);
        int left = EmitChild(_tree.LeftChild[node]);
        int right = EmitChild(_tree.RightChild[node]);
        SetChildren(id, left, right);
        return id;
    }

    // x < -1e-35 compares with the threshold; otherwise NaN and x <= 1e-35 take the default side and the rest
    // compares again. ONNX trees cannot share subtrees, so the compared subtrees appear twice.
    private int EmitZeroSplit(int node, int feature, double threshold, bool defaultLeft)
    {
        double zero = DecisionTree.ZeroThreshold;
        int below = AddNode("BRANCH_LT", feature, -zero, tracksTrue: false);
        int belowComparison = EmitComparison(node, feature, threshold, nanGoesLeft: false);
        int band = AddNode("BRANCH_LEQ", feature, zero, tracksTrue: true);
        int defaultSide = EmitChild(defaultLeft ? _tree.LeftChild[node] : _tree.RightChild[node]);
        int aboveComparison = EmitComparison(node, feature, threshold, nanGoesLeft: false);
        SetChildren(band, defaultSide, aboveComparison);
        SetChildren(below, belowComparison, band);
        return below;
    }

    private int AddNode(string mode, int feature, double value, bool tracksTrue)
    {
        int id = TreeIds.Count - _firstRow;
        if (id >= MaxNodesPerTree)
            throw new NotSupportedException($"Tree {_treeId} needs more than {MaxNodesPerTree} ONNX nodes: its zero-as-missing splits copy too many subtrees.");
        TreeIds.Add(_treeId);
        NodeIds.Add(id);
        FeatureIds.Add(feature);
        Modes.Add(mode);
        Values.Add(value);
        TrueIds.Add(0);
        FalseIds.Add(0);
        MissingTracksTrue.Add(tracksTrue ? 1 : 0);
        return id;
    }

    private void SetChildren(int id, int trueId, int falseId)
    {
        TrueIds[_firstRow + id] = trueId;
        FalseIds[_firstRow + id] = falseId;
    }
}
