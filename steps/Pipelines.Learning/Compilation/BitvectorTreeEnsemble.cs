using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Compilation;

/// <summary>
/// Scores a row with no data-dependent branches, 64 trees at a time (the exit-leaf bitvectors of QuickScorer,
/// Lucchese et al. 2015, evaluated with AVX-512). Leaves are numbered left to right; each split that sends the row right
/// clears the bits of the leaves in its left subtree, and the lowest surviving bit is the leaf the row reaches. The row
/// is first reduced to one byte per split class (<see cref="SplitRankBinner"/>), so a two-register byte permute gathers the
/// value of every tree's split at once and one unsigned compare decides 64 splits. Leaf values are then added in the
/// interpreted model's tree order, so the raw scores are bit-for-bit the same.
/// </summary>
internal sealed class BitvectorTreeEnsemble
{
    /// <summary>Trees scored together: one per byte of a 512-bit vector.</summary>
    private const int Lanes = 64;

    /// <summary>Most leaves a tree may have: its leaves are the bits of a 32-bit mask.</summary>
    public const int MaxLeaves = 32;

    // QuickScorer's update acc & (keep | ~right): bits kept where the split went left or where keep has them.
    private const byte KeepUnlessRight = 0xD0;

    private readonly SplitRankBinner _binner;
    private readonly int _treeCount;
    private readonly int _outputs;

    // Per block of 64 trees, slot after slot (one split of each tree per slot, padded with splits that never go right):
    // the split's class byte, its rank, and the mask of leaves it keeps when the row goes right.
    private readonly byte[] _splitClass;
    private readonly byte[] _splitRank;
    private readonly uint[] _keep;
    private readonly int[] _blockSlotStart;

    // Per tree, its leaf values in left-to-right order, starting at _leafStart[tree].
    private readonly double[] _leafValues;
    private readonly int[] _leafStart;

    private BitvectorTreeEnsemble(SplitRankBinner binner, int treeCount, int outputs, byte[] splitClass, byte[] splitRank, uint[] keep,
        int[] blockSlotStart, double[] leafValues, int[] leafStart)
    {
        _binner = binner;
        _treeCount = treeCount;
        _outputs = outputs;
        _splitClass = splitClass;
        _splitRank = splitRank;
        _keep = keep;
        _blockSlotStart = blockSlotStart;
        _leafValues = leafValues;
        _leafStart = leafStart;
    }

    /// <summary>Whether this processor has the AVX-512 byte permute and compares the scorer needs.</summary>
    public static bool IsSupported => Avx512Vbmi.IsSupported && Avx512BW.IsSupported;

    /// <summary>
    /// Lays the model out for vector scoring; null when the processor lacks AVX-512 VBMI, a tree has more than
    /// <see cref="MaxLeaves"/> leaves, or the splits do not fit <see cref="SplitRankBinner"/>'s bytes.
    /// </summary>
    public static BitvectorTreeEnsemble? TryCreate(TreeEnsembleModel model)
    {
        if (!IsSupported) return null;
        var trees = model.Trees;
        foreach (var tree in trees)
        {
            if (tree.NumLeaves > MaxLeaves) return null;
        }
        var binner = SplitRankBinner.TryCreate(model);
        if (binner is null) return null;

        int blocks = (trees.Count + Lanes - 1) / Lanes;
        var blockSlotStart = new int[blocks + 1];
        for (int b = 0; b < blocks; b++)
        {
            int slots = 0;
            for (int t = b * Lanes; t < Math.Min(trees.Count, (b + 1) * Lanes); t++) slots = Math.Max(slots, trees[t].NumLeaves - 1);
            blockSlotStart[b + 1] = blockSlotStart[b] + slots;
        }
        int totalSlots = blockSlotStart[blocks];
        var splitClass = new byte[totalSlots * Lanes];
        var splitRank = new byte[totalSlots * Lanes];
        var keep = new uint[totalSlots * Lanes];
        Array.Fill(splitRank, SplitRankBinner.NeverRight);
        Array.Fill(keep, uint.MaxValue);

        var leafStart = new int[trees.Count + 1];
        for (int t = 0; t < trees.Count; t++) leafStart[t + 1] = leafStart[t] + trees[t].NumLeaves;
        var leafValues = new double[leafStart[trees.Count]];
        for (int t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            int lane = t % Lanes;
            int slotStart = blockSlotStart[t / Lanes];
            var order = new LeafOrder(tree);
            for (int leaf = 0; leaf < tree.NumLeaves; leaf++) leafValues[leafStart[t] + order.PositionOfLeaf[leaf]] = tree.LeafValue[leaf];
            for (int node = 0; node < tree.NumLeaves - 1; node++)
            {
                int at = (slotStart + node) * Lanes + lane;
                splitClass[at] = binner.ClassOf(tree, node);
                splitRank[at] = binner.RankOf(tree, node);
                keep[at] = order.KeepWhenRight[node];
            }
        }
        return new BitvectorTreeEnsemble(binner, trees.Count, model.TreesPerIteration, splitClass, splitRank, keep, blockSlotStart, leafValues, leafStart);
    }

    /// <summary>Adds every tree's leaf value to <paramref name="scores"/>[tree % outputs], in tree order.</summary>
    [SkipLocalsInit]
    public void AddScores(ref double row, Span<double> scores)
    {
        Span<byte> binBytes = stackalloc byte[SplitRankBinner.MaxClasses];
        binBytes.Clear();
        _binner.Bin(ref row, binBytes);
        var binsLow = Vector512.Create<byte>(binBytes);
        var binsHigh = Vector512.Create<byte>(binBytes[Lanes..]);
        Span<uint> exits = stackalloc uint[Lanes];
        ref byte classes = ref MemoryMarshal.GetArrayDataReference(_splitClass);
        ref byte ranks = ref MemoryMarshal.GetArrayDataReference(_splitRank);
        ref uint keep = ref MemoryMarshal.GetArrayDataReference(_keep);
        int[] blockSlotStart = _blockSlotStart;
        int outputs = _outputs;
        int output = 0;
        for (int block = 0; block < blockSlotStart.Length - 1; block++)
        {
            var exit0 = Vector512<uint>.AllBitsSet;
            var exit1 = Vector512<uint>.AllBitsSet;
            var exit2 = Vector512<uint>.AllBitsSet;
            var exit3 = Vector512<uint>.AllBitsSet;
            for (int slot = blockSlotStart[block]; slot < blockSlotStart[block + 1]; slot++)
            {
                nuint at = (nuint)slot * Lanes;
                var values = Avx512Vbmi.PermuteVar64x8x2(binsLow, Vector512.LoadUnsafe(ref classes, at), binsHigh);
                var right = Vector512.GreaterThan(values, Vector512.LoadUnsafe(ref ranks, at)).AsSByte();
                exit0 = Avx512F.TernaryLogic(exit0, Vector512.LoadUnsafe(ref keep, at),
                    Avx512F.ConvertToVector512Int32(right.GetLower().GetLower()).AsUInt32(), KeepUnlessRight);
                exit1 = Avx512F.TernaryLogic(exit1, Vector512.LoadUnsafe(ref keep, at + 16),
                    Avx512F.ConvertToVector512Int32(right.GetLower().GetUpper()).AsUInt32(), KeepUnlessRight);
                exit2 = Avx512F.TernaryLogic(exit2, Vector512.LoadUnsafe(ref keep, at + 32),
                    Avx512F.ConvertToVector512Int32(right.GetUpper().GetLower()).AsUInt32(), KeepUnlessRight);
                exit3 = Avx512F.TernaryLogic(exit3, Vector512.LoadUnsafe(ref keep, at + 48),
                    Avx512F.ConvertToVector512Int32(right.GetUpper().GetUpper()).AsUInt32(), KeepUnlessRight);
            }
            exit0.CopyTo(exits);
            exit1.CopyTo(exits[16..]);
            exit2.CopyTo(exits[32..]);
            exit3.CopyTo(exits[48..]);

            int first = block * Lanes;
            int count = Math.Min(Lanes, _treeCount - first);
            ref double leafValues = ref MemoryMarshal.GetArrayDataReference(_leafValues);
            ref int leafStart = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_leafStart), first);
            if (outputs == 1)
            {
                double sum = scores[0];
                for (int lane = 0; lane < count; lane++)
                    sum += Unsafe.Add(ref leafValues, Unsafe.Add(ref leafStart, lane) + BitOperations.TrailingZeroCount(exits[lane]));
                scores[0] = sum;
                continue;
            }
            for (int lane = 0; lane < count; lane++)
            {
                scores[output] += Unsafe.Add(ref leafValues, Unsafe.Add(ref leafStart, lane) + BitOperations.TrailingZeroCount(exits[lane]));
                if (++output == outputs) output = 0;
            }
        }
    }
}
