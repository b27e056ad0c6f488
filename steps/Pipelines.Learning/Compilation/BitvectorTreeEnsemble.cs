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

    /// <summary>Most leaves a tree may have: its leaves are the bits of a 64-bit mask.</summary>
    public const int MaxLeaves = 64;

    // Trees of at most this many leaves use 32-bit masks: half the bytes to read and half the vectors to update.
    private const int NarrowLeaves = 32;

    // QuickScorer's update acc & (keep | ~right): bits kept where the split went left or where keep has them.
    private const byte KeepUnlessRight = 0xD0;

    private readonly SplitRankBinner _binner;
    private readonly int _treeCount;
    private readonly int _outputs;

    // Per block of 64 trees, slot after slot (one split of each tree per slot, padded with splits that never go right):
    // the split's class byte, its rank, and the mask of leaves it keeps when the row goes right, 32-bit when every
    // tree fits and 64-bit otherwise (the other array is null).
    private readonly byte[] _splitClass;
    private readonly byte[] _splitRank;
    private readonly uint[]? _narrowKeep;
    private readonly ulong[]? _wideKeep;
    private readonly int[] _blockSlotStart;

    // Per tree, its leaf values in left-to-right order, starting at _leafStart[tree].
    private readonly double[] _leafValues;
    private readonly int[] _leafStart;

    private BitvectorTreeEnsemble(SplitRankBinner binner, int treeCount, int outputs, byte[] splitClass, byte[] splitRank, uint[]? narrowKeep,
        ulong[]? wideKeep, int[] blockSlotStart, double[] leafValues, int[] leafStart)
    {
        _binner = binner;
        _treeCount = treeCount;
        _outputs = outputs;
        _splitClass = splitClass;
        _splitRank = splitRank;
        _narrowKeep = narrowKeep;
        _wideKeep = wideKeep;
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
        int mostLeaves = 1;
        foreach (var tree in trees) mostLeaves = Math.Max(mostLeaves, tree.NumLeaves);
        if (mostLeaves > MaxLeaves) return null;
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
        var keep = new ulong[totalSlots * Lanes];
        Array.Fill(splitRank, SplitRankBinner.NeverRight);
        Array.Fill(keep, ulong.MaxValue);

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
        // Narrow masks keep the low 32 bits: a tree of at most 32 leaves has no others.
        uint[]? narrowKeep = mostLeaves <= NarrowLeaves ? keep.Select(mask => (uint)mask).ToArray() : null;
        return new BitvectorTreeEnsemble(binner, trees.Count, model.TreesPerIteration, splitClass, splitRank, narrowKeep,
            narrowKeep is null ? keep : null, blockSlotStart, leafValues, leafStart);
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
        int blocks = _blockSlotStart.Length - 1;
        if (blocks == 0) return;
        // Block b + 1's masks are computed before block b's leaf values are added: the additions are one long chain of
        // dependent floating-point adds (kept in tree order for bit-identical sums), and issued after the next block's
        // vector work they run alongside it instead of after it.
        if (_narrowKeep is not null)
        {
            Span<uint> current = stackalloc uint[Lanes];
            Span<uint> next = stackalloc uint[Lanes];
            NarrowExits(binsLow, binsHigh, 0, current, TreesIn(0));
            for (int block = 0; block < blocks; block++)
            {
                if (block + 1 < blocks) NarrowExits(binsLow, binsHigh, block + 1, next, TreesIn(block + 1));
                AddLeafValues(block, current, scores);
                var done = current;
                current = next;
                next = done;
            }
        }
        else
        {
            Span<ulong> current = stackalloc ulong[Lanes];
            Span<ulong> next = stackalloc ulong[Lanes];
            WideExits(binsLow, binsHigh, 0, current);
            for (int block = 0; block < blocks; block++)
            {
                if (block + 1 < blocks) WideExits(binsLow, binsHigh, block + 1, next);
                AddLeafValues(block, current, scores);
                var done = current;
                current = next;
                next = done;
            }
        }
    }

    private int TreesIn(int block) => Math.Min(Lanes, _treeCount - block * Lanes);

    // The exit-leaf masks of one block's trees, 32 bits each: the compare's byte per tree widened to 32 bits. A last
    // block of at most 16 trees (200 = 3 × 64 + 8, say) updates only the first of the four mask vectors.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NarrowExits(Vector512<byte> binsLow, Vector512<byte> binsHigh, int block, Span<uint> exits, int trees)
    {
        if (trees <= 16)
        {
            SixteenNarrowExits(binsLow, binsHigh, block, exits);
            return;
        }
        ref byte classes = ref MemoryMarshal.GetArrayDataReference(_splitClass);
        ref byte ranks = ref MemoryMarshal.GetArrayDataReference(_splitRank);
        ref uint keep = ref MemoryMarshal.GetArrayDataReference(_narrowKeep!);
        var exit0 = Vector512<uint>.AllBitsSet;
        var exit1 = Vector512<uint>.AllBitsSet;
        var exit2 = Vector512<uint>.AllBitsSet;
        var exit3 = Vector512<uint>.AllBitsSet;
        for (int slot = _blockSlotStart[block]; slot < _blockSlotStart[block + 1]; slot++)
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
    }

    // One vector of sixteen 32-bit masks: the trees of a block of at most sixteen.
    private void SixteenNarrowExits(Vector512<byte> binsLow, Vector512<byte> binsHigh, int block, Span<uint> exits)
    {
        ref byte classes = ref MemoryMarshal.GetArrayDataReference(_splitClass);
        ref byte ranks = ref MemoryMarshal.GetArrayDataReference(_splitRank);
        ref uint keep = ref MemoryMarshal.GetArrayDataReference(_narrowKeep!);
        var exit = Vector512<uint>.AllBitsSet;
        for (int slot = _blockSlotStart[block]; slot < _blockSlotStart[block + 1]; slot++)
        {
            nuint at = (nuint)slot * Lanes;
            // Only the first sixteen bytes of the slot hold splits of this block's trees.
            var values = Avx512Vbmi.PermuteVar64x8x2(binsLow, Vector512.LoadUnsafe(ref classes, at), binsHigh);
            var right = Vector512.GreaterThan(values, Vector512.LoadUnsafe(ref ranks, at)).AsSByte();
            exit = Avx512F.TernaryLogic(exit, Vector512.LoadUnsafe(ref keep, at),
                Avx512F.ConvertToVector512Int32(right.GetLower().GetLower()).AsUInt32(), KeepUnlessRight);
        }
        exit.CopyTo(exits);
    }

    // The same with 64-bit masks: eight vectors of eight trees, each fed by eight of the compare's bytes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WideExits(Vector512<byte> binsLow, Vector512<byte> binsHigh, int block, Span<ulong> exits)
    {
        ref byte classes = ref MemoryMarshal.GetArrayDataReference(_splitClass);
        ref byte ranks = ref MemoryMarshal.GetArrayDataReference(_splitRank);
        ref ulong keep = ref MemoryMarshal.GetArrayDataReference(_wideKeep!);
        var exit0 = Vector512<ulong>.AllBitsSet;
        var exit1 = Vector512<ulong>.AllBitsSet;
        var exit2 = Vector512<ulong>.AllBitsSet;
        var exit3 = Vector512<ulong>.AllBitsSet;
        var exit4 = Vector512<ulong>.AllBitsSet;
        var exit5 = Vector512<ulong>.AllBitsSet;
        var exit6 = Vector512<ulong>.AllBitsSet;
        var exit7 = Vector512<ulong>.AllBitsSet;
        for (int slot = _blockSlotStart[block]; slot < _blockSlotStart[block + 1]; slot++)
        {
            nuint at = (nuint)slot * Lanes;
            var values = Avx512Vbmi.PermuteVar64x8x2(binsLow, Vector512.LoadUnsafe(ref classes, at), binsHigh);
            var right = Vector512.GreaterThan(values, Vector512.LoadUnsafe(ref ranks, at)).AsSByte();
            var quarter0 = right.GetLower().GetLower();
            var quarter1 = right.GetLower().GetUpper();
            var quarter2 = right.GetUpper().GetLower();
            var quarter3 = right.GetUpper().GetUpper();
            exit0 = KeepEight(exit0, ref keep, at, quarter0);
            exit1 = KeepEight(exit1, ref keep, at + 8, UpperEight(quarter0));
            exit2 = KeepEight(exit2, ref keep, at + 16, quarter1);
            exit3 = KeepEight(exit3, ref keep, at + 24, UpperEight(quarter1));
            exit4 = KeepEight(exit4, ref keep, at + 32, quarter2);
            exit5 = KeepEight(exit5, ref keep, at + 40, UpperEight(quarter2));
            exit6 = KeepEight(exit6, ref keep, at + 48, quarter3);
            exit7 = KeepEight(exit7, ref keep, at + 56, UpperEight(quarter3));
        }
        exit0.CopyTo(exits);
        exit1.CopyTo(exits[8..]);
        exit2.CopyTo(exits[16..]);
        exit3.CopyTo(exits[24..]);
        exit4.CopyTo(exits[32..]);
        exit5.CopyTo(exits[40..]);
        exit6.CopyTo(exits[48..]);
        exit7.CopyTo(exits[56..]);
    }

    // Eight trees' masks updated from the low eight bytes of a compare (0 or -1 each, widened to 64 bits).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> KeepEight(Vector512<ulong> exit, ref ulong keep, nuint at, Vector128<sbyte> right) =>
        Avx512F.TernaryLogic(exit, Vector512.LoadUnsafe(ref keep, at), Avx512F.ConvertToVector512Int64(right).AsUInt64(), KeepUnlessRight);

    private static Vector128<sbyte> UpperEight(Vector128<sbyte> sixteen) => Sse2.UnpackHigh(sixteen.AsInt64(), sixteen.AsInt64()).AsSByte();

    // Adds the block's trees' leaf values, found at the lowest bit of their exit masks, in tree order.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddLeafValues<TMask>(int block, Span<TMask> exits, Span<double> scores)
        where TMask : unmanaged, IBinaryInteger<TMask>
    {
        int first = block * Lanes;
        int count = Math.Min(Lanes, _treeCount - first);
        ref double leafValues = ref MemoryMarshal.GetArrayDataReference(_leafValues);
        ref int leafStart = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_leafStart), first);
        int outputs = _outputs;
        if (outputs == 1)
        {
            double sum = scores[0];
            for (int lane = 0; lane < count; lane++)
                sum += Unsafe.Add(ref leafValues, Unsafe.Add(ref leafStart, lane) + int.CreateTruncating(TMask.TrailingZeroCount(exits[lane])));
            scores[0] = sum;
            return;
        }
        // Tree t feeds output t % outputs, and every block starts at a multiple of 64 trees.
        int output = first % outputs;
        for (int lane = 0; lane < count; lane++)
        {
            scores[output] += Unsafe.Add(ref leafValues, Unsafe.Add(ref leafStart, lane) + int.CreateTruncating(TMask.TrailingZeroCount(exits[lane])));
            if (++output == outputs) output = 0;
        }
    }
}
