using Pipelines.Learning.Compilation;
using Pipelines.Learning.Tests.Trees;
using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Tests.Compilation;

/// <summary>
/// The branch-free vector layout against the interpreter and the branching code, on the splits where a rank
/// comparison could disagree with <c>x &lt;= threshold</c>: NaN and infinite thresholds and values, -0.0 beside 0.0,
/// the zero band, every missing type with both default sides, and trees of 1 to 64 leaves (32-bit and 64-bit masks).
/// </summary>
public sealed class VectorizedCompilationTests
{
    private static readonly double[] Awkward =
    {
        double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, DecisionTree.ZeroThreshold, -DecisionTree.ZeroThreshold,
        1e-36, double.MaxValue, double.MinValue, double.Epsilon,
    };

    [Theory]
    [InlineData("binary", 1, 200, 32)]
    [InlineData("regression", 1, 70, 2)]
    [InlineData("binary", 1, 80, 31)] // a last block of exactly 16 trees: the one-vector path
    [InlineData("binary", 1, 81, 31)] // and of 17: all four vectors
    [InlineData("multiclass num_class:3", 3, 40, 32)]
    [InlineData("multiclass num_class:5", 5, 13, 17)]
    [InlineData("binary", 1, 70, 64)]
    [InlineData("multiclass num_class:3", 3, 25, 64)]
    public void Vector_scoring_matches_the_interpreter_and_the_branching_code_bit_for_bit(string objective, int outputs, int iterations, int maxLeaves)
    {
        var random = new Random(iterations * 31 + maxLeaves);
        const int features = 9;
        var trees = Enumerable.Range(0, iterations * outputs)
            .Select(_ => WithAwkwardThresholds(random, RandomTrees.Create(random, features, 1 + random.Next(maxLeaves))))
            .ToArray();
        var model = new TreeEnsembleModel(trees, ModelObjective.Parse(objective), Enumerable.Range(0, features).Select(f => $"f{f}").ToArray());
        var vector = CompiledTreeEnsemble.Compile(model);
        var branching = CompiledTreeEnsemble.Compile(model, allowVectorized: false);
        Assert.Equal(BitvectorTreeEnsemble.IsSupported, vector.IsVectorized);
        Assert.False(branching.IsVectorized);

        var rows = SplitProbingRows.Create(model, 3000, seed: iterations).Select(row => WithInfinities(random, row)).ToArray();
        AssertAllIdentical(model, rows, vector, branching);
    }

    [Fact]
    public void Models_outside_the_vector_layout_use_branches_and_score_the_same()
    {
        const int features = 3;
        var names = Enumerable.Range(0, features).Select(f => $"f{f}").ToArray();
        var random = new Random(8);

        // 65 leaves do not fit a 64-bit leaf mask.
        var wide = new TreeEnsembleModel(new[] { RandomTrees.Create(random, features, 65), RandomTrees.Create(random, features, 5) }, ModelObjective.Regression(), names);
        Assert.False(CompiledTreeEnsemble.Compile(wide).IsVectorized);
        AssertAllIdentical(wide, SplitProbingRows.Create(wide, 2000, seed: 1));

        // Hundreds of distinct thresholds on one feature (all without missing values) do not fit in byte ranks.
        var many = Enumerable.Range(0, 40)
            .Select(_ => Rebuild(RandomTrees.Create(random, 1, 31), _ => random.Next(100_000) / 7.0, _ => DecisionTree.MakeDecisionType(false, MissingType.None)))
            .ToArray();
        var fine = new TreeEnsembleModel(many, ModelObjective.Regression(), new[] { "x" });
        Assert.False(CompiledTreeEnsemble.Compile(fine).IsVectorized);
        AssertAllIdentical(fine, SplitProbingRows.Create(fine, 2000, seed: 2));

        // 130 features, each split only by its own stump, are more split classes than the two 64-byte vectors hold.
        var broad = Stumps(130);
        Assert.False(CompiledTreeEnsemble.Compile(broad).IsVectorized);
        AssertAllIdentical(broad, SplitProbingRows.Create(broad, 2000, seed: 3));
    }

    [Fact]
    public void Split_classes_past_the_first_64_bytes_are_read_from_the_second_vector()
    {
        // 100 stumps x_f <= 0.5 -> -1 else +1 on 100 features: classes 64..99 live in the upper vector of bytes.
        var model = Stumps(100);
        var compiled = CompiledTreeEnsemble.Compile(model);
        Assert.Equal(BitvectorTreeEnsemble.IsSupported, compiled.IsVectorized);
        var output = new double[1];
        var random = new Random(4);
        for (int r = 0; r < 200; r++)
        {
            var row = Enumerable.Range(0, 100).Select(_ => random.Next(2) == 0 ? 0.5 : Math.BitIncrement(0.5)).ToArray();
            compiled.PredictRaw(row, output);
            // Each feature adds +1 above 0.5 and -1 at it: the score is (above) - (100 - above).
            int above = row.Count(v => v > 0.5);
            Assert.Equal(2 * above - 100, output[0]);
        }
        AssertAllIdentical(model, SplitProbingRows.Create(model, 1000, seed: 5));
    }

    private static TreeEnsembleModel Stumps(int features) =>
        new(Enumerable.Range(0, features).Select(f => Stump(f, 0.5, -1.0, 1.0)).ToArray(), ModelObjective.Regression(),
            Enumerable.Range(0, features).Select(f => $"f{f}").ToArray());

    [Fact]
    public void A_stump_scores_each_side_of_its_threshold_and_missing_values_by_hand()
    {
        // One split x0 <= 0.5 with missing type NaN and default right: left leaf -1, right leaf 2; a second tree adds 0.25.
        var split = Stump(0, 0.5, -1.0, 2.0, DecisionTree.MakeDecisionType(defaultLeft: false, MissingType.NaN));
        var model = new TreeEnsembleModel(new[] { split, Stump(0, double.PositiveInfinity, 0.25, 0.25) }, ModelObjective.Regression(), new[] { "x" });
        var compiled = CompiledTreeEnsemble.Compile(model);
        Assert.Equal(BitvectorTreeEnsemble.IsSupported, compiled.IsVectorized);
        var output = new double[1];
        (double Value, double Expected)[] cases =
        {
            (0.5, -0.75), (Math.BitIncrement(0.5), 2.25), (double.NegativeInfinity, -0.75), (double.PositiveInfinity, 2.25), (double.NaN, 2.25),
        };
        foreach (var (value, expected) in cases)
        {
            compiled.PredictRaw(new[] { value }, output);
            Assert.Equal(expected, output[0]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(32)]
    [InlineData(240)]
    [InlineData(253)]
    [InlineData(254)]
    public void A_feature_split_at_m_thresholds_scores_the_count_of_thresholds_below_the_value(int m)
    {
        // Stump i splits at t_i = i - m/2 with leaves 0 (left) and 1 (right), so the raw score is the number of thresholds
        // strictly below the value: j at t_j and one ulp under it, j + 1 one ulp over it; NaN reads as 0.0.
        var thresholds = Enumerable.Range(0, m).Select(i => i - m / 2.0).ToArray();
        var model = new TreeEnsembleModel(thresholds.Select(t => Stump(0, t, 0.0, 1.0)).ToArray(), ModelObjective.Regression(), new[] { "x" });
        var compiled = CompiledTreeEnsemble.Compile(model);
        Assert.Equal(BitvectorTreeEnsemble.IsSupported && m <= SplitRankBinner.MaxThresholdsPerClass, compiled.IsVectorized);
        var output = new double[1];
        for (int j = 0; j < m; j++)
        {
            compiled.PredictRaw(new[] { thresholds[j] }, output);
            Assert.Equal(j, output[0]);
            compiled.PredictRaw(new[] { Math.BitDecrement(thresholds[j]) }, output);
            Assert.Equal(j, output[0]);
            compiled.PredictRaw(new[] { Math.BitIncrement(thresholds[j]) }, output);
            Assert.Equal(j + 1, output[0]);
        }
        compiled.PredictRaw(new[] { double.NaN }, output);
        Assert.Equal(thresholds.Count(t => t < 0.0), output[0]);
        compiled.PredictRaw(new[] { double.PositiveInfinity }, output);
        Assert.Equal(m, output[0]);
        compiled.PredictRaw(new[] { double.NegativeInfinity }, output);
        Assert.Equal(0, output[0]);
    }

    private static DecisionTree Stump(int feature, double threshold, double left, double right, byte decision = 0) =>
        new(new[] { feature }, new[] { 1.0 }, new[] { threshold }, new[] { decision }, new[] { ~0 }, new[] { ~1 }, new[] { left, right },
            new double[2], new[] { 10, 10 }, new double[1], new double[1], new[] { 20 }, 1.0);

    // About one split in five gets a threshold from the awkward set; the rest keep their random ones.
    private static DecisionTree WithAwkwardThresholds(Random random, DecisionTree tree) =>
        Rebuild(tree, threshold => random.Next(5) == 0 ? Awkward[random.Next(Awkward.Length)] : threshold, decision => decision);

    private static DecisionTree Rebuild(DecisionTree tree, Func<double, double> threshold, Func<byte, byte> decision)
    {
        var thresholds = tree.Threshold.ToArray().Select(threshold).ToArray();
        var decisions = tree.DecisionType.ToArray().Select(decision).ToArray();
        return new DecisionTree(tree.SplitFeature.ToArray(), tree.SplitGain.ToArray(), thresholds, decisions, tree.LeftChild.ToArray(),
            tree.RightChild.ToArray(), tree.LeafValue.ToArray(), tree.LeafWeight.ToArray(), tree.LeafCount.ToArray(), tree.InternalValue.ToArray(),
            tree.InternalWeight.ToArray(), tree.InternalCount.ToArray(), tree.Shrinkage);
    }

    private static double[] WithInfinities(Random random, double[] row)
    {
        for (int f = 0; f < row.Length; f++)
        {
            if (random.Next(15) == 0) row[f] = random.Next(2) == 0 ? double.PositiveInfinity : double.NegativeInfinity;
        }
        return row;
    }

    private static void AssertAllIdentical(TreeEnsembleModel model, IReadOnlyList<double[]> rows, params CompiledTreeEnsemble[] compiledModels)
    {
        if (compiledModels.Length == 0) compiledModels = new[] { CompiledTreeEnsemble.Compile(model), CompiledTreeEnsemble.Compile(model, allowVectorized: false) };
        var expected = new double[model.TreesPerIteration];
        var actual = new double[model.TreesPerIteration];
        foreach (var row in rows)
        {
            model.PredictRaw(row, expected);
            foreach (var compiled in compiledModels)
            {
                compiled.PredictRaw(row, actual);
                for (int k = 0; k < expected.Length; k++)
                {
                    if (BitConverter.DoubleToInt64Bits(expected[k]) != BitConverter.DoubleToInt64Bits(actual[k]))
                        Assert.Fail($"output {k} (vectorized: {compiled.IsVectorized}): interpreted {expected[k]:R}, compiled {actual[k]:R} for row [{string.Join(", ", row.Select(v => v.ToString("R")))}]");
                }
            }
        }
    }
}
