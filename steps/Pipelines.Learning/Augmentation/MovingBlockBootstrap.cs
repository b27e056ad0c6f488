using Pipelines.Learning.Data;

namespace Pipelines.Learning.Augmentation;

/// <summary>
/// Moving-block bootstrap (Künsch 1989): of n rows in time order, the n − L + 1 overlapping blocks of length L are
/// [s, s + L) for s = 0 … n − L. Blocks are drawn uniformly with replacement — s = NextInt(n − L + 1) from one
/// SplitMix64 generator seeded with <c>seed</c> — and laid end to end until <c>count</c> rows are drawn; the last
/// block is cut short. Rows inside a block keep their order, so dependence up to lag L − 1 survives the resampling
/// that an independent row bootstrap would destroy.
/// </summary>
public static class MovingBlockBootstrap
{
    /// <summary>The source row (0 … <paramref name="rows"/> − 1) of each of the <paramref name="count"/> drawn rows, block after block.</summary>
    public static int[] Sample(int rows, int blockLength, int count, ulong seed)
    {
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "at least one row is needed");
        if (blockLength < 1 || blockLength > rows)
            throw new ArgumentOutOfRangeException(nameof(blockLength), blockLength, $"must be between 1 and the {rows} rows");
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "must not be negative");

        var sample = new int[count];
        var random = new SplitMix64(seed);
        var starts = rows - blockLength + 1;
        for (var filled = 0; filled < count;)
        {
            var start = random.NextInt(starts);
            for (var i = 0; i < blockLength && filled < count; i++) sample[filled++] = start + i;
        }
        return sample;
    }
}
