using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Compilation;

/// <summary>
/// Turns a row into one byte per split class (a feature together with the way its splits treat missing values) so that
/// every split of the ensemble becomes an exact comparison of small integers: a split sends the row right exactly when
/// the class's byte is greater than the split's rank. The byte is 1 + the number of the class's distinct thresholds
/// below the value; missing values that take a split's default side read as 0 (always left) or 255 (always right).
/// </summary>
internal sealed class SplitRankBinner
{
    /// <summary>Most split classes a row's bytes can hold: two 64-byte vectors, the table of one two-register byte permute.</summary>
    public const int MaxClasses = 128;

    /// <summary>Most distinct thresholds per class, so ranks 1..253 and value bytes 1..254 stay clear of 0 and 255.</summary>
    public const int MaxThresholdsPerClass = 253;

    /// <summary>Rank of a padding split that never sends a row right.</summary>
    public const byte NeverRight = 255;

    private const byte DefaultLeftByte = 0;
    private const byte DefaultRightByte = 255;

    // What a value turns into before ranking, per class: the missing type with the default side folded in.
    private const byte Plain = 0;
    private const byte NaNLeft = 1;
    private const byte NaNRight = 2;
    private const byte ZeroLeft = 3;
    private const byte ZeroRight = 4;

    // Thresholds are searched 16 at a time: a class's sorted thresholds padded with +infinity (which no value is
    // below) into blocks of 16, one more block of padding, and before them the last threshold of each block.
    private const int Block = 16;
    private const int SearchLength = Block + (MaxThresholdsPerClass / Block + 2) * Block;

    private readonly int[] _feature;
    private readonly byte[] _kind;
    private readonly int[] _thresholdStart;
    private readonly int[] _thresholdCount;
    private readonly double[] _thresholds;
    private readonly double[] _search;
    private readonly Dictionary<(int Feature, byte Kind), int> _classOf;

    private SplitRankBinner(int[] feature, byte[] kind, int[] thresholdStart, int[] thresholdCount, double[] thresholds,
        Dictionary<(int Feature, byte Kind), int> classOf)
    {
        _feature = feature;
        _kind = kind;
        _thresholdStart = thresholdStart;
        _thresholdCount = thresholdCount;
        _thresholds = thresholds;
        _classOf = classOf;
        _search = new double[feature.Length * SearchLength];
        Array.Fill(_search, double.PositiveInfinity);
        for (int c = 0; c < feature.Length; c++)
        {
            var search = _search.AsSpan(c * SearchLength, SearchLength);
            var sorted = thresholds.AsSpan(thresholdStart[c], thresholdCount[c]);
            sorted.CopyTo(search[Block..]);
            for (int block = 0; (block + 1) * Block <= sorted.Length; block++) search[block] = sorted[(block + 1) * Block - 1];
        }
    }

    public int ClassCount => _feature.Length;

    /// <summary>
    /// Collects the split classes and their sorted distinct thresholds; null when the model has more than
    /// <see cref="MaxClasses"/> classes or a class with more than <see cref="MaxThresholdsPerClass"/> thresholds.
    /// </summary>
    public static SplitRankBinner? TryCreate(TreeEnsembleModel model)
    {
        var classOf = new Dictionary<(int Feature, byte Kind), int>();
        var values = new List<List<double>>();
        foreach (var tree in model.Trees)
        {
            for (int node = 0; node < tree.NumLeaves - 1; node++)
            {
                var key = (tree.SplitFeature[node], KindOf(tree.DecisionType[node]));
                if (!classOf.TryGetValue(key, out int splitClass))
                {
                    if (classOf.Count == MaxClasses) return null;
                    splitClass = classOf.Count;
                    classOf.Add(key, splitClass);
                    values.Add(new List<double>());
                }
                // A NaN threshold sends every value right (x <= NaN is false); it gets rank 0 instead of a place in the order.
                double threshold = tree.Threshold[node];
                if (!double.IsNaN(threshold)) values[splitClass].Add(threshold);
            }
        }

        int count = classOf.Count;
        var feature = new int[count];
        var kind = new byte[count];
        foreach (var ((splitFeature, splitKind), splitClass) in classOf)
        {
            feature[splitClass] = splitFeature;
            kind[splitClass] = splitKind;
        }
        var thresholdStart = new int[count];
        var thresholdCount = new int[count];
        var thresholds = new List<double>();
        for (int c = 0; c < count; c++)
        {
            var sorted = values[c];
            sorted.Sort();
            thresholdStart[c] = thresholds.Count;
            foreach (double threshold in sorted)
            {
                // -0.0 and 0.0 split alike (x <= t compares them equal), so they are one threshold.
                if (thresholds.Count > thresholdStart[c] && thresholds[^1] == threshold) continue;
                thresholds.Add(threshold);
            }
            thresholdCount[c] = thresholds.Count - thresholdStart[c];
            if (thresholdCount[c] > MaxThresholdsPerClass) return null;
        }
        return new SplitRankBinner(feature, kind, thresholdStart, thresholdCount, thresholds.ToArray(), classOf);
    }

    /// <summary>The split class of a node: the index of its byte in a binned row.</summary>
    public byte ClassOf(DecisionTree tree, int node) => (byte)_classOf[(tree.SplitFeature[node], KindOf(tree.DecisionType[node]))];

    /// <summary>The node's rank: the row goes right exactly when its class's byte is greater than this.</summary>
    public byte RankOf(DecisionTree tree, int node)
    {
        double threshold = tree.Threshold[node];
        if (double.IsNaN(threshold)) return 0;
        int splitClass = ClassOf(tree, node);
        int index = Array.BinarySearch(_thresholds, _thresholdStart[splitClass], _thresholdCount[splitClass], threshold);
        if (index < 0)
            throw new InvalidOperationException($"Threshold {threshold:R} of node {node} is missing from the thresholds of its split class.");
        // 1 + position, so that value bytes (1 + count of thresholds below) compare greater exactly when x > threshold.
        return (byte)(index - _thresholdStart[splitClass] + 1);
    }

    /// <summary>Writes the row's byte for each class into <paramref name="bins"/> (at least <see cref="ClassCount"/> long).</summary>
    /// <remarks>Uses 512-bit vectors: only for processors where <see cref="BitvectorTreeEnsemble.IsSupported"/>.</remarks>
    public void Bin(ref double row, Span<byte> bins)
    {
        int[] feature = _feature;
        byte[] kind = _kind;
        ref double search = ref MemoryMarshal.GetArrayDataReference(_search);
        for (int c = 0; c < feature.Length; c++)
        {
            double value = Unsafe.Add(ref row, feature[c]);
            ref double classSearch = ref Unsafe.Add(ref search, c * SearchLength);
            byte bin;
            switch (kind[c])
            {
                case Plain:
                    // As LightGBM without missing values: NaN is read as 0.0.
                    bin = Rank(ref classSearch, double.IsNaN(value) ? 0.0 : value);
                    break;
                case NaNLeft:
                case NaNRight:
                    bin = double.IsNaN(value)
                        ? kind[c] == NaNLeft ? DefaultLeftByte : DefaultRightByte
                        : Rank(ref classSearch, value);
                    break;
                default:
                    // Zero as missing: NaN and the band |x| <= 1e-35 take the default side; nothing else does.
                    bin = double.IsNaN(value) || (value >= -DecisionTree.ZeroThreshold && value <= DecisionTree.ZeroThreshold)
                        ? kind[c] == ZeroLeft ? DefaultLeftByte : DefaultRightByte
                        : Rank(ref classSearch, value);
                    break;
            }
            bins[c] = bin;
        }
    }

    // 1 + the number of the class's thresholds below value: the blocks wholly below it (their last threshold is), then
    // the thresholds below it in the next block; four vector compares and no branch on the data.
    private static byte Rank(ref double search, double value)
    {
        var broadcast = Vector512.Create(value);
        int blocks = BelowCount(ref search, broadcast);
        int within = BelowCount(ref Unsafe.Add(ref search, Block + blocks * Block), broadcast);
        return (byte)(1 + blocks * Block + within);
    }

    private static int BelowCount(ref double sixteen, Vector512<double> value) =>
        BitOperations.PopCount(Vector512.LessThan(Vector512.LoadUnsafe(ref sixteen), value).ExtractMostSignificantBits())
        + BitOperations.PopCount(Vector512.LessThan(Vector512.LoadUnsafe(ref sixteen, 8), value).ExtractMostSignificantBits());

    private static byte KindOf(byte decisionType)
    {
        bool defaultLeft = (decisionType & DecisionTree.DefaultLeftMask) != 0;
        return DecisionTree.GetMissingType(decisionType) switch
        {
            MissingType.None => Plain,
            MissingType.NaN => defaultLeft ? NaNLeft : NaNRight,
            MissingType.Zero => defaultLeft ? ZeroLeft : ZeroRight,
            var other => throw new InvalidOperationException($"Unknown missing type {other} in decision_type {decisionType}."),
        };
    }
}
