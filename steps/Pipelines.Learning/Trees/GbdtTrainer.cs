using System.Globalization;
using Pipelines.Learning.Data;

namespace Pipelines.Learning.Trees;

/// <summary>
/// Gradient-boosted decision trees in the manner of LightGBM: quantile histogram bins with a missing-value bin,
/// leaf-wise growth, histogram subtraction, learned missing-value directions, bagging, feature fraction and
/// early stopping. The same data, parameters and seed give the same model whatever the thread count.
/// A constant regression target is accepted and yields a constant model; a classifier needs two classes.
/// </summary>
public sealed class GbdtTrainer
{
    private const int GradientBlock = 8192;

    public GbdtTrainer(GbdtParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        Parameters = parameters;
    }

    public GbdtParameters Parameters { get; }

    /// <summary>Iterations kept in the last trained model (the best one when early stopping ended training).</summary>
    public int BestIteration { get; private set; }

    /// <summary>Trains on <paramref name="train"/>, watching <paramref name="valid"/> (if any) for early stopping.</summary>
    public TreeEnsembleModel Train(DenseDataset train, DenseDataset? valid = null, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        var p = Parameters;
        if (train.RowCount == 0) throw new ArgumentException("The training data has no rows.", nameof(train));
        if (train.FeatureCount == 0) throw new ArgumentException("The training data has no feature columns.", nameof(train));
        double[] labels = train.Labels ?? throw new ArgumentException("The training data has no labels.", nameof(train));
        string[] featureNames = LightGbmFeatureNames.NormalizeAll(train.FeatureNames);
        for (int f = 0; f < featureNames.Length; f++)
        {
            if (featureNames[f] != train.FeatureNames[f]) log?.WriteLine($"Feature '{train.FeatureNames[f]}' is named '{featureNames[f]}' in the model (names there are space-separated).");
        }
        var loss = LossFunction.Create(p);
        loss.CheckLabels(labels, "training data", training: true);
        double[]? validLabels = null;
        if (valid is not null)
        {
            if (!valid.FeatureNames.SequenceEqual(train.FeatureNames))
                throw new ArgumentException($"The validation features ({string.Join(", ", valid.FeatureNames)}) differ from the training features ({string.Join(", ", train.FeatureNames)}).", nameof(valid));
            validLabels = valid.Labels ?? throw new ArgumentException("The validation data has no labels.", nameof(valid));
            loss.CheckLabels(validLabels, "validation data", training: false);
        }
        if (p.EarlyStoppingRound > 0 && valid is null)
            throw new ArgumentException("early_stopping_round needs validation data.", nameof(valid));

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = p.NumThreads > 0 ? p.NumThreads : Environment.ProcessorCount };
        var binned = BinnedDataset.Create(train, p, parallel);
        int rows = train.RowCount;
        int classes = loss.ClassCount;
        var usable = Enumerable.Range(0, binned.FeatureCount).Where(f => !binned.Mappers[f].IsTrivial).ToArray();

        var init = new double[classes];
        var scores = new double[classes * rows];
        for (int k = 0; k < classes; k++)
        {
            init[k] = p.BoostFromAverage ? loss.InitScore(k, labels) : 0.0;
            Array.Fill(scores, init[k], k * rows, rows);
        }
        int validRows = valid?.RowCount ?? 0;
        var validScores = new double[classes * validRows];
        for (int k = 0; k < classes; k++) Array.Fill(validScores, init[k], k * validRows, validRows);

        var gradientPairs = new double[2L * classes * rows];
        var grower = new TreeGrower(binned, p, parallel);
        var featureRandom = new SplitMix64((ulong)(uint)p.EffectiveFeatureFractionSeed);
        var baggingRandom = new SplitMix64((ulong)(uint)p.EffectiveBaggingSeed);
        bool bagging = p.BaggingFreq > 0 && p.BaggingFraction < 1.0;
        int[]? bag = bagging ? new int[rows] : null;
        bool[]? inBag = bagging ? new bool[rows] : null;
        int bagCount = rows;
        int featureCount = Math.Max(1, (int)Math.Round(usable.Length * p.FeatureFraction));

        var trees = new List<DecisionTree>();
        var iterationTrees = new DecisionTree[classes];
        double bestMetric = double.PositiveInfinity;
        int bestIteration = 0;
        for (int iteration = 0; iteration < p.NumIterations; iteration++)
        {
            if (bagging && iteration % p.BaggingFreq == 0) bagCount = DrawBag(rows, p.BaggingFraction, ref baggingRandom, bag!, inBag!);

            int blocks = (rows + GradientBlock - 1) / GradientBlock;
            Parallel.For(0, blocks, parallel, b =>
                loss.Gradients(labels, scores, gradientPairs, rows, b * GradientBlock, Math.Min(rows, (b + 1) * GradientBlock)));

            bool anySplit = false;
            for (int k = 0; k < classes; k++)
            {
                int[] features = usable.Length == 0 ? usable : ChooseFeatures(usable, featureCount, ref featureRandom);
                var tree = grower.Grow(gradientPairs, k * rows, bag, bagCount, features);
                anySplit |= tree.NumLeaves > 1;
                grower.AddLeafValues(tree, scores, k * rows);
                if (bagging) AddOutOfBag(grower, tree, inBag!, scores, k * rows);
                iterationTrees[k] = tree;
            }
            if (!anySplit && iteration > 0)
            {
                log?.WriteLine($"Stopped after {iteration} iterations: no leaf meets the split requirements.");
                break;
            }
            for (int k = 0; k < classes; k++)
            {
                var tree = iterationTrees[k];
                if (valid is not null) AddPredictions(tree, valid, validScores, k * validRows, parallel);
                trees.Add(iteration == 0 && init[k] != 0 ? tree.WithBias(init[k]) : tree);
            }

            if (valid is not null)
            {
                double metric = loss.Metric(validLabels!, validScores, validRows);
                if (p.Verbosity >= 1)
                    log?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{iteration + 1}] valid {loss.MetricName}: {metric:G10}"));
                if (metric < bestMetric)
                {
                    bestMetric = metric;
                    bestIteration = iteration + 1;
                }
                else if (p.EarlyStoppingRound > 0 && iteration + 1 - bestIteration >= p.EarlyStoppingRound)
                {
                    log?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Early stopping at iteration {iteration + 1}; best iteration is {bestIteration} ({loss.MetricName} {bestMetric:G10})."));
                    break;
                }
            }
            if (!anySplit)
            {
                log?.WriteLine("Stopped after 1 iteration: no leaf meets the split requirements, so the model is the constant starting score.");
                break;
            }
        }

        int kept = trees.Count / classes;
        if (p.EarlyStoppingRound > 0 && bestIteration > 0 && bestIteration < kept)
        {
            trees.RemoveRange(bestIteration * classes, trees.Count - bestIteration * classes);
            kept = bestIteration;
        }
        BestIteration = kept;
        log?.WriteLine($"Trained {kept} iterations ({trees.Count} trees) on {rows} rows x {train.FeatureCount} features.");

        var infos = new string[train.FeatureCount];
        for (int f = 0; f < infos.Length; f++)
        {
            var mapper = binned.Mappers[f];
            infos[f] = mapper.IsTrivial ? "none" : "[" + LightGbmNumberFormat.Format(mapper.Min) + ":" + LightGbmNumberFormat.Format(mapper.Max) + "]";
        }
        return new TreeEnsembleModel(trees, loss.ModelObjective, featureNames, infos, p.ToModelParameters());
    }

    // An ordered sample of exactly round(fraction * rows) rows (selection sampling), at least one.
    private static int DrawBag(int rows, double fraction, ref SplitMix64 random, int[] bag, bool[] inBag)
    {
        int needed = Math.Max(1, (int)Math.Round(rows * fraction));
        int count = 0;
        for (int r = 0; r < rows; r++)
        {
            bool take = random.NextUniform() * (rows - r) < needed - count;
            inBag[r] = take;
            if (take) bag[count++] = r;
        }
        return count;
    }

    // A uniform subset of the usable features (partial Fisher-Yates), sorted so histograms are built in feature order.
    private static int[] ChooseFeatures(int[] usable, int count, ref SplitMix64 random)
    {
        if (count >= usable.Length) return usable;
        var pool = (int[])usable.Clone();
        for (int i = 0; i < count; i++)
        {
            int j = i + random.NextInt(pool.Length - i);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        var chosen = pool[..count];
        Array.Sort(chosen);
        return chosen;
    }

    private static void AddOutOfBag(TreeGrower grower, DecisionTree tree, bool[] inBag, double[] scores, int offset)
    {
        for (int r = 0; r < inBag.Length; r++)
        {
            if (!inBag[r]) scores[offset + r] += tree.LeafValue[grower.LeafOfRow(r)];
        }
    }

    private static void AddPredictions(DecisionTree tree, DenseDataset data, double[] scores, int offset, ParallelOptions parallel)
    {
        int rows = data.RowCount;
        int blocks = (rows + GradientBlock - 1) / GradientBlock;
        Parallel.For(0, blocks, parallel, b =>
        {
            int end = Math.Min(rows, (b + 1) * GradientBlock);
            for (int r = b * GradientBlock; r < end; r++) scores[offset + r] += tree.Predict(data.Row(r));
        });
    }
}
