using System.Globalization;

namespace Pipelines.Learning.Trees;

/// <summary>
/// Training parameters of the GBDT trainer, under LightGBM's names and defaults. <see cref="Parse"/> accepts
/// LightGBM's names and common aliases (num_trees, n_estimators, eta, min_child_samples, reg_alpha, ...).
/// </summary>
public sealed record GbdtParameters
{
    private static readonly Dictionary<string, string> Aliases = BuildAliases();

    public TrainingObjective Objective { get; init; } = TrainingObjective.Regression;

    /// <summary>Classes for multiclass (labels 0..NumClass-1); 1 otherwise.</summary>
    public int NumClass { get; init; } = 1;

    public int NumIterations { get; init; } = 100;
    public double LearningRate { get; init; } = 0.1;
    public int NumLeaves { get; init; } = 31;

    /// <summary>Maximum depth of a leaf; &lt;= 0 means no limit.</summary>
    public int MaxDepth { get; init; } = -1;

    public int MinDataInLeaf { get; init; } = 20;
    public double MinSumHessianInLeaf { get; init; } = 1e-3;
    public double LambdaL1 { get; init; }
    public double LambdaL2 { get; init; }
    public double MinGainToSplit { get; init; }

    /// <summary>Fraction of features each tree may split on.</summary>
    public double FeatureFraction { get; init; } = 1.0;

    /// <summary>Fraction of rows each tree is grown on, redrawn every <see cref="BaggingFreq"/> iterations (0 = off).</summary>
    public double BaggingFraction { get; init; } = 1.0;

    public int BaggingFreq { get; init; }

    /// <summary>Stop when the validation metric has not improved for this many iterations (0 = off).</summary>
    public int EarlyStoppingRound { get; init; }

    /// <summary>Histogram bins per feature, including the missing-value bin (at most 255, so a bin fits a byte).</summary>
    public int MaxBin { get; init; } = 255;

    public int MinDataInBin { get; init; } = 3;

    /// <summary>Rows sampled to find bin boundaries.</summary>
    public int BinConstructSampleCount { get; init; } = 200_000;

    public bool BoostFromAverage { get; init; } = true;

    /// <summary>Slope of the binary objective's sigmoid.</summary>
    public double Sigmoid { get; init; } = 1.0;

    /// <summary>Master seed; the bagging, feature-fraction and binning seeds derive from it unless set.</summary>
    public int Seed { get; init; }

    public int? BaggingSeed { get; init; }
    public int? FeatureFractionSeed { get; init; }
    public int? DataRandomSeed { get; init; }

    /// <summary>Worker threads (0 = all cores). Results do not depend on it.</summary>
    public int NumThreads { get; init; }

    /// <summary>0 or less: quiet; 1 or more: one log line per iteration.</summary>
    public int Verbosity { get; init; } = 1;

    /// <summary>
    /// Builds parameters from LightGBM-style name/value pairs over <paramref name="defaults"/> (or the defaults).
    /// Unknown names and values of the wrong type or range fail with a message naming the parameter.
    /// </summary>
    public static GbdtParameters Parse(IReadOnlyDictionary<string, string> values, GbdtParameters? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var p = defaults ?? new GbdtParameters();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (rawName, rawValue) in values)
        {
            string name = rawName.Trim().ToLowerInvariant();
            if (!Aliases.TryGetValue(name, out string? canonical))
                throw new ArgumentException($"Unknown parameter '{rawName}'. Known parameters: {string.Join(", ", Aliases.Values.Distinct().Order())}.");
            if (seen.TryGetValue(canonical, out string? other))
                throw new ArgumentException($"Parameter '{canonical}' is given twice (as '{other}' and '{rawName}').");
            seen[canonical] = rawName;
            string value = rawValue?.Trim() ?? "";
            p = canonical switch
            {
                "objective" => p with { Objective = ParseObjective(rawName, value) },
                "num_class" => p with { NumClass = Int(rawName, value, 1) },
                "num_iterations" => p with { NumIterations = Int(rawName, value, 1) },
                "learning_rate" => p with { LearningRate = Real(rawName, value, 0, false, double.MaxValue) },
                "num_leaves" => p with { NumLeaves = Int(rawName, value, 2, 131_072) },
                "max_depth" => p with { MaxDepth = Int(rawName, value, int.MinValue) },
                "min_data_in_leaf" => p with { MinDataInLeaf = Int(rawName, value, 1) },
                "min_sum_hessian_in_leaf" => p with { MinSumHessianInLeaf = Real(rawName, value, 0, true, double.MaxValue) },
                "lambda_l1" => p with { LambdaL1 = Real(rawName, value, 0, true, double.MaxValue) },
                "lambda_l2" => p with { LambdaL2 = Real(rawName, value, 0, true, double.MaxValue) },
                "min_gain_to_split" => p with { MinGainToSplit = Real(rawName, value, 0, true, double.MaxValue) },
                "feature_fraction" => p with { FeatureFraction = Real(rawName, value, 0, false, 1) },
                "bagging_fraction" => p with { BaggingFraction = Real(rawName, value, 0, false, 1) },
                "bagging_freq" => p with { BaggingFreq = Int(rawName, value, 0) },
                "early_stopping_round" => p with { EarlyStoppingRound = Int(rawName, value, 0) },
                "max_bin" => p with { MaxBin = Int(rawName, value, 2, 255) },
                "min_data_in_bin" => p with { MinDataInBin = Int(rawName, value, 1) },
                "bin_construct_sample_cnt" => p with { BinConstructSampleCount = Int(rawName, value, 1) },
                "boost_from_average" => p with { BoostFromAverage = Bool(rawName, value) },
                "sigmoid" => p with { Sigmoid = Real(rawName, value, 0, false, double.MaxValue) },
                "seed" => p with { Seed = Int(rawName, value, int.MinValue) },
                "bagging_seed" => p with { BaggingSeed = Int(rawName, value, int.MinValue) },
                "feature_fraction_seed" => p with { FeatureFractionSeed = Int(rawName, value, int.MinValue) },
                "data_random_seed" => p with { DataRandomSeed = Int(rawName, value, int.MinValue) },
                "num_threads" => p with { NumThreads = Int(rawName, value, 0) },
                "verbosity" => p with { Verbosity = Int(rawName, value, int.MinValue) },
                _ => throw new InvalidOperationException($"Parameter '{canonical}' has an alias but no parser."),
            };
        }
        p.Validate();
        return p;
    }

    /// <summary>Checks ranges and combinations; the trainer calls it too, so hand-built parameters are checked as well.</summary>
    public void Validate()
    {
        Require(NumIterations >= 1, "num_iterations", NumIterations, "must be >= 1");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "learning_rate", LearningRate, "must be a positive number");
        Require(NumLeaves is >= 2 and <= 131_072, "num_leaves", NumLeaves, "must be in 2..131072");
        Require(MinDataInLeaf >= 1, "min_data_in_leaf", MinDataInLeaf, "must be >= 1");
        Require(MinSumHessianInLeaf >= 0 && double.IsFinite(MinSumHessianInLeaf), "min_sum_hessian_in_leaf", MinSumHessianInLeaf, "must be >= 0");
        Require(LambdaL1 >= 0 && double.IsFinite(LambdaL1), "lambda_l1", LambdaL1, "must be >= 0");
        Require(LambdaL2 >= 0 && double.IsFinite(LambdaL2), "lambda_l2", LambdaL2, "must be >= 0");
        Require(MinGainToSplit >= 0 && double.IsFinite(MinGainToSplit), "min_gain_to_split", MinGainToSplit, "must be >= 0");
        Require(FeatureFraction is > 0 and <= 1, "feature_fraction", FeatureFraction, "must be in (0, 1]");
        Require(BaggingFraction is > 0 and <= 1, "bagging_fraction", BaggingFraction, "must be in (0, 1]");
        Require(BaggingFreq >= 0, "bagging_freq", BaggingFreq, "must be >= 0");
        Require(EarlyStoppingRound >= 0, "early_stopping_round", EarlyStoppingRound, "must be >= 0");
        Require(MaxBin is >= 2 and <= 255, "max_bin", MaxBin, "must be in 2..255");
        Require(MinDataInBin >= 1, "min_data_in_bin", MinDataInBin, "must be >= 1");
        Require(BinConstructSampleCount >= 1, "bin_construct_sample_cnt", BinConstructSampleCount, "must be >= 1");
        Require(Sigmoid > 0 && double.IsFinite(Sigmoid), "sigmoid", Sigmoid, "must be a positive number");
        Require(NumThreads >= 0, "num_threads", NumThreads, "must be >= 0");
        if (Objective == TrainingObjective.Multiclass)
            Require(NumClass >= 2, "num_class", NumClass, "must be >= 2 for the multiclass objective");
        else
            Require(NumClass == 1, "num_class", NumClass, $"must be 1 for the {ObjectiveName(Objective)} objective");
    }

    /// <summary>LightGBM's name of an objective.</summary>
    public static string ObjectiveName(TrainingObjective objective) => objective switch
    {
        TrainingObjective.Regression => "regression",
        TrainingObjective.Binary => "binary",
        TrainingObjective.Multiclass => "multiclass",
        _ => throw new ArgumentOutOfRangeException(nameof(objective), objective, "Unknown objective."),
    };

    /// <summary>Reads an objective by LightGBM's names and aliases.</summary>
    public static TrainingObjective ParseObjective(string parameter, string value) => value.ToLowerInvariant() switch
    {
        "regression" or "regression_l2" or "l2" or "mean_squared_error" or "mse" or "l2_root" or "root_mean_squared_error" or "rmse" => TrainingObjective.Regression,
        "binary" => TrainingObjective.Binary,
        "multiclass" or "softmax" => TrainingObjective.Multiclass,
        _ => throw new ArgumentException($"Parameter '{parameter}' = '{value}': expected regression, binary or multiclass."),
    };

    /// <summary>The parameters as the model text's parameters section lists them.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToModelParameters() => new KeyValuePair<string, string>[]
    {
        new("boosting", "gbdt"),
        new("objective", ObjectiveName(Objective)),
        new("num_class", Text(NumClass)),
        new("num_iterations", Text(NumIterations)),
        new("learning_rate", LightGbmNumberFormat.Format(LearningRate)),
        new("num_leaves", Text(NumLeaves)),
        new("max_depth", Text(MaxDepth)),
        new("min_data_in_leaf", Text(MinDataInLeaf)),
        new("min_sum_hessian_in_leaf", LightGbmNumberFormat.Format(MinSumHessianInLeaf)),
        new("lambda_l1", LightGbmNumberFormat.Format(LambdaL1)),
        new("lambda_l2", LightGbmNumberFormat.Format(LambdaL2)),
        new("min_gain_to_split", LightGbmNumberFormat.Format(MinGainToSplit)),
        new("feature_fraction", LightGbmNumberFormat.Format(FeatureFraction)),
        new("bagging_fraction", LightGbmNumberFormat.Format(BaggingFraction)),
        new("bagging_freq", Text(BaggingFreq)),
        new("early_stopping_round", Text(EarlyStoppingRound)),
        new("max_bin", Text(MaxBin)),
        new("min_data_in_bin", Text(MinDataInBin)),
        new("bin_construct_sample_cnt", Text(BinConstructSampleCount)),
        new("boost_from_average", BoostFromAverage ? "1" : "0"),
        new("sigmoid", LightGbmNumberFormat.Format(Sigmoid)),
        new("seed", Text(Seed)),
        new("bagging_seed", Text(EffectiveBaggingSeed)),
        new("feature_fraction_seed", Text(EffectiveFeatureFractionSeed)),
        new("data_random_seed", Text(EffectiveDataRandomSeed)),
    };

    internal int EffectiveBaggingSeed => BaggingSeed ?? DeriveSeed(1);
    internal int EffectiveFeatureFractionSeed => FeatureFractionSeed ?? DeriveSeed(2);
    internal int EffectiveDataRandomSeed => DataRandomSeed ?? DeriveSeed(3);

    private int DeriveSeed(int stream)
    {
        var random = new Data.SplitMix64(unchecked((ulong)(uint)Seed * 0x100000001UL + (ulong)stream));
        return (int)(random.Next() >> 33);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Require(bool condition, string name, object value, string rule)
    {
        if (!condition) throw new ArgumentException($"Parameter '{name}' = {Convert.ToString(value, CultureInfo.InvariantCulture)} {rule}.");
    }

    private static int Int(string name, string value, int minimum, int maximum = int.MaxValue)
    {
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int parsed) || parsed < minimum || parsed > maximum)
        {
            string range = maximum == int.MaxValue ? (minimum == int.MinValue ? "" : $" >= {minimum}") : $" in {minimum}..{maximum}";
            throw new ArgumentException($"Parameter '{name}' = '{value}': expected an integer{range}.");
        }
        return parsed;
    }

    private static double Real(string name, string value, double minimum, bool minimumIncluded, double maximum)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) || !double.IsFinite(parsed)
            || parsed < minimum || (!minimumIncluded && parsed == minimum) || parsed > maximum)
        {
            string low = minimumIncluded ? $">= {minimum.ToString(CultureInfo.InvariantCulture)}" : $"> {minimum.ToString(CultureInfo.InvariantCulture)}";
            string high = maximum == double.MaxValue ? "" : $" and <= {maximum.ToString(CultureInfo.InvariantCulture)}";
            throw new ArgumentException($"Parameter '{name}' = '{value}': expected a number {low}{high}.");
        }
        return parsed;
    }

    private static bool Bool(string name, string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "+" => true,
        "false" or "0" or "-" => false,
        _ => throw new ArgumentException($"Parameter '{name}' = '{value}': expected true or false."),
    };

    private static Dictionary<string, string> BuildAliases()
    {
        var groups = new Dictionary<string, string[]>
        {
            ["objective"] = new[] { "objective_type", "app", "application", "loss" },
            ["num_class"] = new[] { "num_classes" },
            ["num_iterations"] = new[] { "num_iteration", "n_iter", "num_tree", "num_trees", "num_round", "num_rounds", "nrounds", "num_boost_round", "n_estimators", "max_iter" },
            ["learning_rate"] = new[] { "shrinkage_rate", "eta" },
            ["num_leaves"] = new[] { "num_leaf", "max_leaves", "max_leaf", "max_leaf_nodes" },
            ["max_depth"] = Array.Empty<string>(),
            ["min_data_in_leaf"] = new[] { "min_data_per_leaf", "min_data", "min_child_samples", "min_samples_leaf" },
            ["min_sum_hessian_in_leaf"] = new[] { "min_sum_hessian_per_leaf", "min_sum_hessian", "min_hessian", "min_child_weight" },
            ["lambda_l1"] = new[] { "reg_alpha", "l1_regularization" },
            ["lambda_l2"] = new[] { "reg_lambda", "lambda", "l2_regularization" },
            ["min_gain_to_split"] = new[] { "min_split_gain" },
            ["feature_fraction"] = new[] { "sub_feature", "colsample_bytree" },
            ["bagging_fraction"] = new[] { "sub_row", "subsample", "bagging" },
            ["bagging_freq"] = new[] { "subsample_freq" },
            ["early_stopping_round"] = new[] { "early_stopping_rounds", "early_stopping", "n_iter_no_change" },
            ["max_bin"] = new[] { "max_bins" },
            ["min_data_in_bin"] = Array.Empty<string>(),
            ["bin_construct_sample_cnt"] = new[] { "subsample_for_bin" },
            ["boost_from_average"] = Array.Empty<string>(),
            ["sigmoid"] = Array.Empty<string>(),
            ["seed"] = new[] { "random_seed", "random_state" },
            ["bagging_seed"] = new[] { "bagging_fraction_seed" },
            ["feature_fraction_seed"] = Array.Empty<string>(),
            ["data_random_seed"] = new[] { "data_seed" },
            ["num_threads"] = new[] { "num_thread", "nthread", "nthreads", "n_jobs" },
            ["verbosity"] = new[] { "verbose" },
        };
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (canonical, aliases) in groups)
        {
            map[canonical] = canonical;
            foreach (var alias in aliases) map[alias] = canonical;
        }
        return map;
    }
}
