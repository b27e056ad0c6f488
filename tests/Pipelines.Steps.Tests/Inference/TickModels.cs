using Pipelines.Learning.LightGbm;
using Pipelines.Learning.Features;
using Pipelines.Learning.Trees;
using Pipelines.Steps.Inference;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Tests.Inference;

/// <summary>Small binary models trained on synthetic tick features, shared by the tick-path tests.</summary>
public static class TickModels
{
    public static readonly string[] FeatureNames = ["ret_1", "std_30", "trade_flow_imbalance_20"];

    public static FeatureSet Features { get; } = FeatureSet.FromNames(FeatureNames, "time");

    private static readonly Lazy<Task<string>> s_first = new(() => Train(Features, trees: 30));
    private static readonly Lazy<Task<string>> s_second = new(() => Train(Features, trees: 20));
    private static readonly Lazy<Task<string>> s_narrow = new(() => Train(FeatureSet.FromNames(["ret_1", "std_30"], "time"), trees: 10));

    /// <summary>30 trees over <see cref="FeatureNames"/>.</summary>
    public static Task<string> First => s_first.Value;

    /// <summary>20 trees over the same features, so it registers as another version.</summary>
    public static Task<string> Second => s_second.Value;

    /// <summary>A model over [ret_1, std_30] only.</summary>
    public static Task<string> Narrow => s_narrow.Value;

    private static async Task<string> Train(FeatureSet features, int trees)
    {
        var source = SyntheticTickSource.FromCsv(RepositoryFiles.SampleKlines, tradesPerBar: 16, seed: 7);
        var data = await TickTrainingData.CollectAsync(source, features, rows: 20_000, horizon: 10, default);
        using var booster = LightGbmTrainer.Train(data, null, LightGbmParameters.From(new Dictionary<string, string>
        {
            ["objective"] = "binary", ["num_iterations"] = $"{trees}", ["num_leaves"] = "15", ["learning_rate"] = "0.1", ["seed"] = "1", ["num_threads"] = "1",
        }));
        return booster.ModelText();
    }
}
