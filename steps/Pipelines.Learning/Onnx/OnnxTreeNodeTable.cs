using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Onnx;

/// <summary>
/// The parallel nodes_* lists of an ai.onnx.ml TreeEnsemble operator and its leaf weights, turned into
/// <see cref="DecisionTree"/>s in LightGBM's layout: one tree per (ONNX tree, output it feeds).
/// </summary>
internal sealed class OnnxTreeNodeTable
{
    private readonly ProtoMessage _node;
    private readonly long[] _treeIds;
    private readonly long[] _nodeIds;
    private readonly long[] _featureIds;
    private readonly string[] _modes;
    private readonly double[] _values;
    private readonly long[] _trueIds;
    private readonly long[] _falseIds;
    private readonly long[] _missingTracksTrue;

    private readonly Dictionary<long, List<int>> _rowsByTree = new();
    private readonly Dictionary<long, int> _rootOf = new();

    // Summed leaf weight per (row of the leaf, output).
    private readonly Dictionary<(int Row, int Output), double> _leafWeights = new();

    public OnnxTreeNodeTable(ProtoMessage node, OnnxNodeAttributes attributes, string weightPrefix, int outputs)
    {
        _node = node;
        _treeIds = attributes.RequiredInts("nodes_treeids");
        _nodeIds = attributes.RequiredInts("nodes_nodeids");
        _featureIds = attributes.RequiredInts("nodes_featureids");
        _modes = attributes.RequiredStrings("nodes_modes");
        _values = attributes.RequiredReals("nodes_values");
        _trueIds = attributes.RequiredInts("nodes_truenodeids");
        _falseIds = attributes.RequiredInts("nodes_falsenodeids");
        _missingTracksTrue = attributes.Has("nodes_missing_value_tracks_true")
            ? attributes.Ints("nodes_missing_value_tracks_true").ToArray()
            : new long[_treeIds.Length];
        int rows = _treeIds.Length;
        if (rows == 0) throw node.Error("attribute", "'nodes_treeids' is empty: the ensemble has no trees.");
        RequireRows("nodes_nodeids", _nodeIds.Length, rows);
        RequireRows("nodes_featureids", _featureIds.Length, rows);
        RequireRows("nodes_modes", _modes.Length, rows);
        RequireRows("nodes_values", _values.Length, rows);
        RequireRows("nodes_truenodeids", _trueIds.Length, rows);
        RequireRows("nodes_falsenodeids", _falseIds.Length, rows);
        RequireRows("nodes_missing_value_tracks_true", _missingTracksTrue.Length, rows);

        for (int row = 0; row < rows; row++)
        {
            var key = (_treeIds[row], _nodeIds[row]);
            if (!_rowOf.TryAdd(key, row)) throw node.Error("attribute", $"tree {key.Item1} lists node {key.Item2} twice (nodes_nodeids[{row}]).");
            if (!_rowsByTree.TryGetValue(_treeIds[row], out var treeRows))
            {
                _rowsByTree.Add(_treeIds[row], treeRows = new List<int>());
                TreeIds.Add(_treeIds[row]);
            }
            treeRows.Add(row);
        }

        long[] weightTrees = attributes.RequiredInts(weightPrefix + "_treeids");
        long[] weightNodes = attributes.RequiredInts(weightPrefix + "_nodeids");
        long[] weightOutputs = attributes.RequiredInts(weightPrefix + "_ids");
        double[] weights = attributes.RequiredReals(weightPrefix + "_weights");
        RequireRows(weightPrefix + "_nodeids", weightNodes.Length, weightTrees.Length, weightPrefix + "_treeids");
        RequireRows(weightPrefix + "_ids", weightOutputs.Length, weightTrees.Length, weightPrefix + "_treeids");
        RequireRows(weightPrefix + "_weights", weights.Length, weightTrees.Length, weightPrefix + "_treeids");
        for (int i = 0; i < weightTrees.Length; i++)
        {
            if (!_rowOf.TryGetValue((weightTrees[i], weightNodes[i]), out int row))
                throw node.Error("attribute", $"{weightPrefix}_nodeids[{i}] names node {weightNodes[i]} of tree {weightTrees[i]}, which nodes_* do not list.");
            if (_modes[row] != "LEAF")
                throw node.Error("attribute", $"{weightPrefix}_nodeids[{i}] gives a weight to node {weightNodes[i]} of tree {weightTrees[i]}, which is a {_modes[row]} node, not a LEAF.");
            if (weightOutputs[i] < 0 || weightOutputs[i] >= outputs)
                throw node.Error("attribute", $"{weightPrefix}_ids[{i}] is {weightOutputs[i]}, outside the {outputs} outputs.");
            if (!double.IsFinite(weights[i])) throw node.Error("attribute", $"{weightPrefix}_weights[{i}] is {weights[i]}; leaf weights must be finite.");
            var key = (row, (int)weightOutputs[i]);
            _leafWeights[key] = _leafWeights.GetValueOrDefault(key) + weights[i];
            FedOutputs.Add(((int)weightOutputs[i], weightTrees[i]));
        }
    }

    /// <summary>Tree ids in order of first appearance.</summary>
    public List<long> TreeIds { get; } = new();

    /// <summary>(output, tree id) pairs that some leaf weight connects.</summary>
    public HashSet<(int Output, long TreeId)> FedOutputs { get; } = new();

    private readonly Dictionary<(long Tree, long Node), int> _rowOf = new();

    /// <summary>Whether every leaf's class-0 weight is exactly the negation of its class-1 weight.</summary>
    public bool ClassZeroMirrorsClassOne()
    {
        for (int row = 0; row < _modes.Length; row++)
        {
            if (_modes[row] == "LEAF" && _leafWeights.GetValueOrDefault((row, 0)) != -_leafWeights.GetValueOrDefault((row, 1))) return false;
        }
        return true;
    }

    /// <summary>The largest feature id a branch splits on, or -1 when every tree is a single leaf.</summary>
    public long MaxFeatureId()
    {
        long max = -1;
        for (int row = 0; row < _modes.Length; row++)
        {
            if (_modes[row] != "LEAF") max = Math.Max(max, _featureIds[row]);
        }
        return max;
    }

    /// <summary>
    /// Tree <paramref name="treeId"/> as a LightGBM-layout tree whose leaves hold their weight for <paramref name="output"/>.
    /// ONNX carries no training cover, so every leaf counts as one row (TreeSHAP then weights leaves equally).
    /// </summary>
    public DecisionTree BuildTree(long treeId, int output, int featureCount, int maxDepth)
    {
        if (!_rootOf.TryGetValue(treeId, out int root)) _rootOf.Add(treeId, root = FindRoot(treeId));
        var splitFeature = new List<int>();
        var threshold = new List<double>();
        var decision = new List<byte>();
        var left = new List<int>();
        var right = new List<int>();
        var leafValue = new List<double>();
        var visited = new HashSet<int>();

        // Children are resolved after their parent is laid out; each pending entry says where to write the reference.
        var pending = new Stack<(int Row, int Parent, bool IsLeft, int Depth)>();
        pending.Push((root, -1, false, 0));
        while (pending.Count > 0)
        {
            var (row, parent, isLeft, depth) = pending.Pop();
            if (depth > maxDepth)
                throw _node.Error("attribute", $"tree {treeId} is deeper than {maxDepth} levels (at node {_nodeIds[row]}); such a tree is refused.");
            if (!visited.Add(row))
                throw _node.Error("attribute", $"tree {treeId} reaches node {_nodeIds[row]} twice: the nodes form a cycle or share a subtree.");
            int reference;
            if (_modes[row] == "LEAF")
            {
                reference = ~leafValue.Count;
                leafValue.Add(_leafWeights.GetValueOrDefault((row, output)));
            }
            else
            {
                reference = splitFeature.Count;
                var (feature, value, trueGoesLeft, nanGoesLeft) = Branch(row, treeId, featureCount);
                splitFeature.Add(feature);
                threshold.Add(value);
                decision.Add(DecisionTree.MakeDecisionType(nanGoesLeft, MissingType.NaN));
                left.Add(0);
                right.Add(0);
                int trueRow = Child(treeId, row, _trueIds[row], "nodes_truenodeids");
                int falseRow = Child(treeId, row, _falseIds[row], "nodes_falsenodeids");
                pending.Push((trueGoesLeft ? falseRow : trueRow, reference, false, depth + 1));
                pending.Push((trueGoesLeft ? trueRow : falseRow, reference, true, depth + 1));
            }
            if (parent >= 0)
            {
                if (isLeft) left[parent] = reference;
                else right[parent] = reference;
            }
        }

        int leaves = leafValue.Count, internals = leaves - 1;
        var internalCount = new int[internals];
        if (internals > 0) CountLeaves(left, right, internalCount);
        return new DecisionTree(splitFeature.ToArray(), new double[internals], threshold.ToArray(), decision.ToArray(), left.ToArray(), right.ToArray(),
            leafValue.ToArray(), new double[leaves], Enumerable.Repeat(1, leaves).ToArray(), new double[internals], new double[internals], internalCount, 1.0);
    }

    // Every mode becomes "x <= threshold goes left": LT and GTE through the next double below t, which no double
    // lies strictly between, so each comparison decides exactly as the operator's. NaN goes where the operator
    // sends it: to the true child when missing values track true, otherwise to the false child (every
    // comparison with NaN is false).
    private (int Feature, double Threshold, bool TrueGoesLeft, bool NanGoesLeft) Branch(int row, long treeId, int featureCount)
    {
        long feature = _featureIds[row];
        if (feature < 0 || feature >= featureCount)
            throw _node.Error("attribute", $"nodes_featureids[{row}] (tree {treeId}, node {_nodeIds[row]}) is {feature}, outside the {featureCount} input features.");
        double value = _values[row];
        if (double.IsNaN(value)) throw _node.Error("attribute", $"nodes_values[{row}] (tree {treeId}, node {_nodeIds[row]}) is NaN.");
        bool tracksTrue = _missingTracksTrue[row] switch
        {
            0 => false,
            1 => true,
            long other => throw _node.Error("attribute", $"nodes_missing_value_tracks_true[{row}] is {other}; it must be 0 or 1."),
        };
        string mode = _modes[row];
        if ((mode is "BRANCH_LT" or "BRANCH_GTE") && double.IsNegativeInfinity(value))
            throw _node.Error("attribute", $"nodes_values[{row}] is -infinity under {mode}, a comparison no 'x <= t' split can express.");
        return mode switch
        {
            "BRANCH_LEQ" => ((int)feature, value, true, tracksTrue),
            "BRANCH_LT" => ((int)feature, NextBelow(value), true, tracksTrue),
            "BRANCH_GT" => ((int)feature, value, false, !tracksTrue),
            "BRANCH_GTE" => ((int)feature, NextBelow(value), false, !tracksTrue),
            _ => throw _node.Error("attribute", $"nodes_modes[{row}] (tree {treeId}, node {_nodeIds[row]}) is '{mode}'; only LEAF, BRANCH_LEQ, BRANCH_LT, BRANCH_GTE and BRANCH_GT are supported."),
        };
    }

    // Math.BitDecrement(0.0) is the smallest negative subnormal, but -0.0 must map there too: x < -0.0 is x < 0.
    private static double NextBelow(double value) => value == 0.0 ? -double.Epsilon : Math.BitDecrement(value);

    private int Child(long treeId, int row, long childId, string attribute)
    {
        if (!_rowOf.TryGetValue((treeId, childId), out int child))
            throw _node.Error("attribute", $"{attribute}[{row}] (tree {treeId}, node {_nodeIds[row]}) points to node {childId}, which tree {treeId} does not have.");
        return child;
    }

    // The root is the one node of the tree that no branch points to.
    private int FindRoot(long treeId)
    {
        var children = new HashSet<long>();
        var rows = _rowsByTree[treeId];
        foreach (int row in rows)
        {
            if (_modes[row] == "LEAF") continue;
            // Resolving the children first names a dangling id before it can masquerade as a second root.
            Child(treeId, row, _trueIds[row], "nodes_truenodeids");
            Child(treeId, row, _falseIds[row], "nodes_falsenodeids");
            children.Add(_trueIds[row]);
            children.Add(_falseIds[row]);
        }
        int root = -1;
        foreach (int row in rows)
        {
            if (children.Contains(_nodeIds[row])) continue;
            if (root >= 0) throw _node.Error("attribute", $"tree {treeId} has more than one root (nodes {_nodeIds[root]} and {_nodeIds[row]}).");
            root = row;
        }
        if (root < 0) throw _node.Error("attribute", $"tree {treeId} has no root: every node is some node's child, so the nodes form a cycle.");
        int reachable = CountReachable(treeId, root);
        if (reachable != rows.Count)
            throw _node.Error("attribute", $"tree {treeId} lists {rows.Count} nodes but only {reachable} are reachable from its root.");
        return root;
    }

    private int CountReachable(long treeId, int root)
    {
        var seen = new HashSet<int> { root };
        var stack = new Stack<int>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            int row = stack.Pop();
            if (_modes[row] == "LEAF") continue;
            foreach (long childId in new[] { _trueIds[row], _falseIds[row] })
            {
                int child = Child(treeId, row, childId, childId == _trueIds[row] ? "nodes_truenodeids" : "nodes_falsenodeids");
                if (seen.Add(child)) stack.Push(child);
            }
        }
        return seen.Count;
    }

    // Leaves under each internal node: the cover LightGBM would have counted, with one row per leaf.
    private static void CountLeaves(List<int> left, List<int> right, int[] internalCount)
    {
        var order = new List<int>();
        var stack = new Stack<int>();
        stack.Push(0);
        while (stack.Count > 0)
        {
            int node = stack.Pop();
            order.Add(node);
            if (left[node] >= 0) stack.Push(left[node]);
            if (right[node] >= 0) stack.Push(right[node]);
        }
        for (int i = order.Count - 1; i >= 0; i--)
        {
            int node = order[i];
            internalCount[node] = (left[node] >= 0 ? internalCount[left[node]] : 1) + (right[node] >= 0 ? internalCount[right[node]] : 1);
        }
    }

    private void RequireRows(string name, int length, int rows, string reference = "nodes_treeids")
    {
        if (length != rows) throw _node.Error("attribute", $"'{name}' has {length} entries but '{reference}' has {rows}; the lists must be parallel.");
    }
}
