using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Compilation;

/// <summary>
/// A tree's leaves numbered left to right, and per split the 64-bit mask of leaves that survive when a row goes right
/// at it (every leaf but those of its left subtree, which are consecutive in this order).
/// </summary>
internal sealed class LeafOrder
{
    public LeafOrder(DecisionTree tree)
    {
        if (tree.NumLeaves > 64) throw new ArgumentException($"A tree of {tree.NumLeaves} leaves does not fit a 64-bit leaf mask.", nameof(tree));
        PositionOfLeaf = new int[tree.NumLeaves];
        KeepWhenRight = new ulong[tree.NumLeaves - 1];
        int next = 0;
        if (tree.NumLeaves == 1) PositionOfLeaf[0] = 0;
        else Number(tree, 0, ref next);
    }

    /// <summary>Per leaf index of the tree, its position from the left.</summary>
    public int[] PositionOfLeaf { get; }

    /// <summary>Per internal node, the leaves (bit = position) still reachable after the row goes right at it.</summary>
    public ulong[] KeepWhenRight { get; }

    // Depth-first, left before right; the depth is bounded by the 63 splits of a 64-leaf tree.
    private void Number(DecisionTree tree, int child, ref int next)
    {
        if (child < 0)
        {
            PositionOfLeaf[~child] = next++;
            return;
        }
        int first = next;
        Number(tree, tree.LeftChild[child], ref next);
        // A left subtree has at most 63 of the 64 leaves, so the shift stays below 64.
        ulong leftLeaves = ((1UL << (next - first)) - 1) << first;
        KeepWhenRight[child] = ~leftLeaves;
        Number(tree, tree.RightChild[child], ref next);
    }
}
