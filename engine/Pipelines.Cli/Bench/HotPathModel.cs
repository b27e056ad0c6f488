using Pipelines.Learning.LightGbm;
using Pipelines.Learning.Data;
using Pipelines.Learning.Features;
using Pipelines.Learning.Trees;
using Pipelines.Steps.Inference;
using Pipelines.Steps.Ticks;

namespace Pipelines.Cli.Bench;

/// <summary>
/// The hot-path benchmark's model: a 200-tree, 31-leaf binary GBDT over 20 tick features, trained on the synthetic
/// ticks of the bundled bars to say whether the price 10 trades later is higher. Training it takes seconds, so the
/// benchmark needs no stored model and its features are exactly the tick loop's.
/// </summary>
public static class HotPathModel
{
    public const int Trees = 200;
    public const int Leaves = 31;
    public const int TradesPerBar = 32;

    public static readonly IReadOnlyList<string> FeatureNames =
    [
        "ret_1", "ret_5", "ret_20", "logret_1", "roc_10", "std_30", "std_100", "z_20", "z_50", "trend_20",
        "rsi_14", "ema_12", "sma_50", "atr_14", "vol_z_20", "vol_ratio_50", "trade_flow_imbalance_20",
        "trade_flow_imbalance_100", "buy_volume_mean_20", "quantity_std_50",
    ];

    public static FeatureSet Features() => FeatureSet.FromNames(FeatureNames, "time");

    /// <summary>The sample of one-minute bars the synthetic ticks come from, found above the working directory or the program.</summary>
    public static string BarsPath()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "samples", "btcusdt-1m-2023-03-01-to-21.csv");
                if (File.Exists(candidate)) return candidate;
            }
        throw new FileNotFoundException("samples/btcusdt-1m-2023-03-01-to-21.csv was not found above the working directory or the program; run from the repository");
    }

    public static SyntheticTickSource Source(ulong seed, long? maxTicks = null) =>
        SyntheticTickSource.FromCsv(BarsPath(), TradesPerBar, seed, maxTicks);

    /// <summary>Trains the model on <paramref name="rows"/> labelled ticks (seed 1); returns it with rows of held-out features (seed 2).</summary>
    public static (TreeEnsembleModel Model, DenseDataset Holdout) Train(int rows = 40_000, int holdoutRows = 2_048)
    {
        var features = Features();
        var train = TickTrainingData.CollectAsync(Source(1), features, rows, 10, CancellationToken.None).GetAwaiter().GetResult();
        var holdout = TickTrainingData.CollectAsync(Source(2), features, holdoutRows + 200, 10, CancellationToken.None).GetAwaiter().GetResult();
        var model = LightGbmTrainer.TrainEnsemble(train, new Dictionary<string, string>
        {
            ["objective"] = "binary", ["num_iterations"] = $"{Trees}", ["num_leaves"] = $"{Leaves}", ["learning_rate"] = "0.05", ["min_data_in_leaf"] = "20",
            ["num_threads"] = "2", ["seed"] = "1",
        });
        // The first rows are the features' warm-up (NaN); scoring is measured on rows a live loop would see.
        var values = holdout.Values[(200 * features.Names.Count)..].ToArray();
        return (model, new DenseDataset(values, holdoutRows, features.Names, null));
    }
}
