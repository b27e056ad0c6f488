using System.Runtime.CompilerServices;
using Pipelines.Learning.Data;
using Pipelines.Learning.Explain;

namespace Pipelines.Learning.Trees;

/// <summary>
/// Exact path-dependent TreeSHAP (Lundberg, Erion, Lee 2018, Algorithm 2) over a <see cref="TreeEnsembleModel"/>,
/// using the training row counts of nodes as cover. Output follows LightGBM's predict_contrib layout: per class,
/// one value per feature then the expected value. A leaf's weights depend on the row only through which of its
/// path's features the row leaves the path at, so leaves with few distinct path features are explained from tables
/// precomputed over all such patterns (<see cref="TreeShapTable"/>) and the rest from their one pattern per row.
/// An explainer owns its scratch space, so use one per thread.
/// </summary>
public sealed class TreeShapExplainer : IShapExplainer
{
    /// <summary>Deepest tree the explainer accepts; recursion and scratch space grow with depth.</summary>
    public const int MaxSupportedDepth = 2048;

    /// <summary>
    /// Default for the most distinct features a leaf's path may hold for the leaf to be tabulated: a leaf with d
    /// features takes d 2^d doubles, so 12 bounds a leaf at 384 KB.
    /// </summary>
    public const int DefaultMaxTabulatedPathFeatures = 12;

    /// <summary>Largest accepted value for the most distinct path features of a tabulated leaf.</summary>
    public const int MaxTabulatedPathFeaturesLimit = 20;

    /// <summary>Default memory for all tables together, in bytes; leaves past it are computed per row.</summary>
    public const long DefaultTableBudgetBytes = 256L << 20;

    private readonly TreeEnsembleModel _model;
    private readonly DecisionTree[] _trees;
    private readonly TreeShapPathElement[] _path;
    private readonly double[] _expected;
    private readonly double[] _treeExpected;

    // Per tree, its patterns and tables, or null for a single leaf or a tree explained by Algorithm 2's recursion.
    private readonly TreeShapTable?[] _tables;

    // Per-row scratch for the tables: cold masks of one tree's nodes and leaves, and one leaf's path.
    private readonly ulong[] _coldMasks;
    private readonly TreeShapPathElement[] _leafPath;

    /// <param name="model">The model to explain; every tree with splits needs training counts.</param>
    /// <param name="maxTabulatedPathFeatures">
    /// Leaves whose path holds at most this many distinct features are tabulated, the others computed per row;
    /// 0 turns patterns off and explains every tree by Algorithm 2's recursion.
    /// </param>
    /// <param name="tableBudgetBytes">Memory all tables may take together; leaves that would exceed it are computed per row.</param>
    public TreeShapExplainer(TreeEnsembleModel model, int maxTabulatedPathFeatures = DefaultMaxTabulatedPathFeatures,
        long tableBudgetBytes = DefaultTableBudgetBytes)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (maxTabulatedPathFeatures < 0 || maxTabulatedPathFeatures > MaxTabulatedPathFeaturesLimit)
            throw new ArgumentOutOfRangeException(nameof(maxTabulatedPathFeatures), maxTabulatedPathFeatures, $"Must be in 0..{MaxTabulatedPathFeaturesLimit}.");
        if (tableBudgetBytes < 0)
            throw new ArgumentOutOfRangeException(nameof(tableBudgetBytes), tableBudgetBytes, "The table budget cannot be negative.");
        _model = model;
        _trees = model.Trees.ToArray();
        for (int t = 0; t < _trees.Length; t++)
        {
            var tree = _trees[t];
            if (tree.NumLeaves > 1 && tree.InternalCount[0] <= 0)
                throw new ArgumentException($"Tree {t} has no training counts (internal_count), which TreeSHAP needs as cover.", nameof(model));
        }
        int depth = model.MaxDepth;
        if (depth > MaxSupportedDepth)
            throw new ArgumentException($"The model has a tree of depth {depth}; TreeSHAP here supports depth up to {MaxSupportedDepth} (its scratch path grows with depth squared).", nameof(model));
        // Each recursion level copies the path it extends, so level d uses d+1 elements: sum over d = (D+1)(D+2)/2.
        _path = new TreeShapPathElement[(depth + 1) * (depth + 2) / 2 + depth + 2];
        _expected = model.ExpectedValues();
        _treeExpected = new double[_trees.Length];
        _tables = new TreeShapTable?[_trees.Length];
        long budget = tableBudgetBytes / sizeof(double);
        for (int t = 0; t < _trees.Length; t++)
        {
            _treeExpected[t] = _trees[t].ExpectedValue();
            if (maxTabulatedPathFeatures == 0) continue;
            var table = TreeShapTable.TryCreate(_trees[t], maxTabulatedPathFeatures, budget);
            if (table is null) continue;
            _tables[t] = table;
            budget -= table.TableLength;
            TabulatedLeafCount += table.TabulatedLeafCount;
        }
        _coldMasks = new ulong[_tables.Max(table => table?.MaskCount) ?? 0];
        _leafPath = new TreeShapPathElement[(_tables.Max(table => table?.MaxPathFeatures) ?? 0) + 1];
        RecursiveTreeCount = _trees.Where((tree, t) => tree.NumLeaves > 1 && _tables[t] is null).Count();
    }

    /// <summary>Leaves explained from precomputed tables.</summary>
    public int TabulatedLeafCount { get; }

    /// <summary>
    /// Trees explained by Algorithm 2's recursion: all of them when tables are off, otherwise those with a path of
    /// more than <see cref="TreeShapTable.MaxPatternFeatures"/> distinct features.
    /// </summary>
    public int RecursiveTreeCount { get; }

    public int FeatureCount => _model.FeatureCount;

    public int ClassCount => _model.TreesPerIteration;

    /// <summary>Values per row: ClassCount x (FeatureCount + 1).</summary>
    public int ContributionLength => ClassCount * (FeatureCount + 1);

    /// <summary>Per class, the model's mean raw output over the training rows.</summary>
    public IReadOnlyList<double> ExpectedValues => _expected;

    /// <summary>
    /// Writes SHAP values for one row into <paramref name="contributions"/> (length <see cref="ContributionLength"/>);
    /// for each class the feature values plus the expected value add up to the raw score. Allocates nothing.
    /// </summary>
    // This and the per-tree loops it calls are compiled optimised from the first call: tiered compilation would run
    // them as unoptimised code for the first few hundred rows, which is when a session's first decisions are explained.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Explain(ReadOnlySpan<double> features, Span<double> contributions)
    {
        if (features.Length != FeatureCount)
            throw new ArgumentException($"The row has {features.Length} features but the model expects {FeatureCount}.", nameof(features));
        if (contributions.Length < ContributionLength)
            throw new ArgumentException($"contributions has room for {contributions.Length} values; {ContributionLength} are needed.", nameof(contributions));
        contributions[..ContributionLength].Clear();
        int stride = FeatureCount + 1;
        for (int t = 0; t < _trees.Length; t++)
        {
            var tree = _trees[t];
            var phi = contributions.Slice(t % ClassCount * stride, stride);
            phi[FeatureCount] += _treeExpected[t];
            var table = _tables[t];
            if (table is not null) table.Explain(features, phi, _coldMasks, _leafPath);
            else if (tree.NumLeaves > 1) Recurse(tree, features, phi, 0, 0, 0, 1.0, 1.0, -1);
        }
    }

    /// <summary>The <paramref name="k"/> largest |SHAP| of one class's feature values, largest first, into <paramref name="destination"/>; returns how many.</summary>
    public static int TopContributions(ReadOnlySpan<double> featureValues, int k, Span<FeatureContribution> destination)
    {
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, "k cannot be negative.");
        int count = Math.Min(Math.Min(k, featureValues.Length), destination.Length);
        int filled = 0;
        // Insertion into a sorted prefix: k is small (10 in practice), so this beats sorting and allocates nothing.
        for (int f = 0; f < featureValues.Length; f++)
        {
            double magnitude = Math.Abs(featureValues[f]);
            int position = filled;
            while (position > 0 && Math.Abs(destination[position - 1].Value) < magnitude) position--;
            if (position >= count) continue;
            int last = Math.Min(filled, count - 1);
            for (int i = last; i > position; i--) destination[i] = destination[i - 1];
            destination[position] = new FeatureContribution(f, featureValues[f]);
            if (filled < count) filled++;
        }
        return filled;
    }

    /// <summary>Top-k features of one row for one class.</summary>
    public FeatureContribution[] Top(ReadOnlySpan<double> features, int classIndex, int k)
    {
        if ((uint)classIndex >= (uint)ClassCount) throw new ArgumentOutOfRangeException(nameof(classIndex), classIndex, $"Class must be in 0..{ClassCount - 1}.");
        var contributions = new double[ContributionLength];
        Explain(features, contributions);
        var top = new FeatureContribution[Math.Min(k, FeatureCount)];
        int n = TopContributions(contributions.AsSpan(classIndex * (FeatureCount + 1), FeatureCount), k, top);
        return top[..n];
    }

    /// <summary>Global importance: mean |SHAP| per class and feature over the rows, indexed [class * FeatureCount + feature].</summary>
    public double[] MeanAbsoluteShap(DenseDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.RowCount == 0) throw new ArgumentException("The dataset has no rows.", nameof(data));
        var sums = new double[ClassCount * FeatureCount];
        var contributions = new double[ContributionLength];
        for (int row = 0; row < data.RowCount; row++)
        {
            Explain(data.Row(row), contributions);
            for (int k = 0; k < ClassCount; k++)
            {
                for (int f = 0; f < FeatureCount; f++) sums[k * FeatureCount + f] += Math.Abs(contributions[k * (FeatureCount + 1) + f]);
            }
        }
        for (int i = 0; i < sums.Length; i++) sums[i] /= data.RowCount;
        return sums;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Recurse(DecisionTree tree, ReadOnlySpan<double> features, Span<double> phi, int child, int pathStart, int depth,
        double zeroFraction, double oneFraction, int featureIndex)
    {
        // The path for this level lives after the parent's: copy it, then extend by the feature that led here.
        int start = pathStart + depth;
        if (depth > 0) Array.Copy(_path, pathStart, _path, start, depth);
        var path = _path.AsSpan(start);
        TreeShapPath.Extend(path, depth, zeroFraction, oneFraction, featureIndex);

        if (child < 0)
        {
            double leafValue = tree.LeafValue[~child];
            for (int i = 1; i <= depth; i++)
            {
                double weight = TreeShapPath.UnwoundSum(path, depth, i);
                phi[path[i].Feature] += weight * (path[i].One - path[i].Zero) * leafValue;
            }
            return;
        }

        int node = child;
        int split = tree.SplitFeature[node];
        int hot = tree.NextNode(features[split], node);
        int cold = hot == tree.LeftChild[node] ? tree.RightChild[node] : tree.LeftChild[node];
        double cover = tree.Count(node);
        double hotZero = tree.Count(hot) / cover;
        double coldZero = tree.Count(cold) / cover;
        double incomingZero = 1.0;
        double incomingOne = 1.0;

        // A feature already on the path is unwound so that it appears once, with the fractions of both splits combined.
        int previous = 1;
        for (; previous <= depth; previous++)
        {
            if (path[previous].Feature == split) break;
        }
        if (previous <= depth)
        {
            incomingZero = path[previous].Zero;
            incomingOne = path[previous].One;
            TreeShapPath.Unwind(path, depth, previous);
            depth--;
        }

        Recurse(tree, features, phi, hot, start, depth + 1, hotZero * incomingZero, incomingOne, split);
        Recurse(tree, features, phi, cold, start, depth + 1, coldZero * incomingZero, 0.0, split);
    }
}
