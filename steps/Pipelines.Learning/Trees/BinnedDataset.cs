using Pipelines.Learning.Data;

namespace Pipelines.Learning.Trees;

/// <summary>The training rows quantized per feature into byte bins, column by column.</summary>
internal sealed class BinnedDataset
{
    private BinnedDataset(FeatureBinMapper[] mappers, byte[][] bins, int rowCount)
    {
        Mappers = mappers;
        Bins = bins;
        RowCount = rowCount;
        BinOffsets = new int[mappers.Length + 1];
        for (int f = 0; f < mappers.Length; f++) BinOffsets[f + 1] = BinOffsets[f] + mappers[f].BinCount;
    }

    public FeatureBinMapper[] Mappers { get; }

    /// <summary>Bins[feature][row].</summary>
    public byte[][] Bins { get; }

    /// <summary>Start of each feature's bins in a histogram covering all features; the last entry is the total.</summary>
    public int[] BinOffsets { get; }

    public int RowCount { get; }

    public int FeatureCount => Mappers.Length;

    public static BinnedDataset Create(DenseDataset data, GbdtParameters parameters, ParallelOptions parallel)
    {
        int rows = data.RowCount;
        int features = data.FeatureCount;
        int[] sampleRows = SampleRows(rows, parameters.BinConstructSampleCount, parameters.EffectiveDataRandomSeed);
        var mappers = new FeatureBinMapper[features];
        var bins = new byte[features][];
        double[] values = data.RawValues;
        const int block = 8192;
        int blocks = (rows + block - 1) / block;

        // Pass 1, row blocks in parallel: per feature range and whether any value is missing.
        var blockMin = new double[blocks * features];
        var blockMax = new double[blocks * features];
        var blockNaN = new bool[blocks * features];
        Parallel.For(0, blocks, parallel, b =>
        {
            int offset = b * features;
            for (int f = 0; f < features; f++)
            {
                blockMin[offset + f] = double.PositiveInfinity;
                blockMax[offset + f] = double.NegativeInfinity;
            }
            int end = Math.Min(rows, (b + 1) * block);
            for (int r = b * block; r < end; r++)
            {
                long rowStart = (long)r * features;
                for (int f = 0; f < features; f++)
                {
                    double v = values[rowStart + f];
                    if (double.IsNaN(v)) blockNaN[offset + f] = true;
                    else
                    {
                        if (v < blockMin[offset + f]) blockMin[offset + f] = v;
                        if (v > blockMax[offset + f]) blockMax[offset + f] = v;
                    }
                }
            }
        });

        // Pass 2, features in parallel: bin boundaries from the sampled rows.
        Parallel.For(0, features, parallel, f =>
        {
            bool hasNaN = false;
            double min = double.PositiveInfinity;
            double max = double.NegativeInfinity;
            for (int b = 0; b < blocks; b++)
            {
                hasNaN |= blockNaN[b * features + f];
                min = Math.Min(min, blockMin[b * features + f]);
                max = Math.Max(max, blockMax[b * features + f]);
            }
            var sample = new double[sampleRows.Length];
            int count = 0;
            foreach (int r in sampleRows)
            {
                double v = values[(long)r * features + f];
                if (!double.IsNaN(v)) sample[count++] = v;
            }
            mappers[f] = FeatureBinMapper.Create(sample, count, hasNaN, parameters.MaxBin, parameters.MinDataInBin, min, max);
            bins[f] = new byte[rows];
        });

        // Pass 3, row blocks in parallel: every cell to its bin.
        Parallel.For(0, blocks, parallel, b =>
        {
            int end = Math.Min(rows, (b + 1) * block);
            for (int r = b * block; r < end; r++)
            {
                long rowStart = (long)r * features;
                for (int f = 0; f < features; f++) bins[f][r] = (byte)mappers[f].Bin(values[rowStart + f]);
            }
        });
        return new BinnedDataset(mappers, bins, rows);
    }

    // All rows when few enough, else an ordered uniform sample of exactly 'limit' rows (selection sampling).
    private static int[] SampleRows(int rows, int limit, int seed)
    {
        if (rows <= limit) return Enumerable.Range(0, rows).ToArray();
        var random = new SplitMix64((ulong)(uint)seed);
        var chosen = new int[limit];
        int needed = limit;
        for (int r = 0, filled = 0; r < rows && needed > 0; r++)
        {
            if (random.NextUniform() * (rows - r) < needed)
            {
                chosen[filled++] = r;
                needed--;
            }
        }
        return chosen;
    }
}
