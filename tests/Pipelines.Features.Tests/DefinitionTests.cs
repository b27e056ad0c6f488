using Pipelines.Learning.Features;

namespace Pipelines.Features.Tests;

public sealed class DefinitionTests
{
    [Fact]
    public void The_registry_describes_every_kind_under_its_own_entry()
    {
        foreach (var kind in Enum.GetValues<FeatureKind>())
        {
            Assert.Equal(kind, FeatureKinds.Describe(kind).Kind);
            Assert.Equal(kind, FeatureKinds.Parse(FeatureKinds.Describe(kind).Key).Kind);
        }
    }

    [Fact]
    public void Compact_names_of_the_design_sketch_parse()
    {
        var set = FeatureSet.FromNames(["ret_1", "sma_10", "std_30", "roc_5", "spread_x_vol"]);
        Assert.Equal(["ret_1", "sma_10", "std_30", "roc_5", "range_bps", "spread_x_vol"], set.Names);
        Assert.Equal(["close", "high", "low", "volume"], set.RequiredColumns);
        var sma = set.Definitions[1];
        Assert.Equal((FeatureKind.Sma, 10, "close"), (sma.Kind, sma.Window, sma.Inputs[0]));
        var product = set.Definitions[5];
        Assert.Equal((FeatureKind.Product, "range_bps", "volume"), (product.Kind, product.Inputs[0], product.Inputs[1]));
    }

    [Fact]
    public void Column_forms_apply_to_any_column()
    {
        var trend = Assert.Single(FeatureNames.Parse("taker_buy_volume_trend_20"));
        Assert.Equal((FeatureKind.Trend, "taker_buy_volume", 20), (trend.Kind, trend.Inputs[0], trend.Window));
        var current = Assert.Single(FeatureNames.Parse("funding_rate_current"));
        Assert.Equal((FeatureKind.Value, "funding_rate"), (current.Kind, current.Inputs[0]));
        var volumeZ = Assert.Single(FeatureNames.Parse("vol_z_20"));
        Assert.Equal((FeatureKind.ZScore, "volume"), (volumeZ.Kind, volumeZ.Inputs[0]));
    }

    [Theory]
    [InlineData("sma_0", "'sma_0' (sma) needs a window of at least 1, got 0")]
    [InlineData("std_1", "'std_1' (std) needs a window of at least 2")]
    [InlineData("macd_12", "'macd_12' is not a known feature name")]
    public void Bad_names_are_rejected_with_the_reason(string name, string message)
    {
        var error = Assert.Throws<FeatureDefinitionException>(() => FeatureNames.Parse(name));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_missing_input_column_names_the_feature_and_the_column()
    {
        var set = FeatureSet.FromNames(["sma_10", "spread_bps"]);
        var error = Assert.Throws<FeatureDefinitionException>(() => set.CheckColumns(["open_time", "close"]));
        Assert.Contains("feature 'spread_bps'", error.Message);
        Assert.Contains("column 'bid_price'", error.Message);
    }

    [Fact]
    public void Only_interactions_may_read_features_and_only_earlier_ones()
    {
        var late = Assert.Throws<FeatureDefinitionException>(() => new FeatureSet([
            FeatureDefinition.Create("p", FeatureKind.Product, ["a", "sma_3"]),
            FeatureDefinition.Create("sma_3", FeatureKind.Sma, window: 3)]));
        Assert.Contains("before it is defined", late.Message);
        var nested = Assert.Throws<FeatureDefinitionException>(() => new FeatureSet([
            FeatureDefinition.Create("sma_3", FeatureKind.Sma, window: 3),
            FeatureDefinition.Create("s", FeatureKind.Std, ["sma_3"], 5)]));
        Assert.Contains("only product and ratio may combine features", nested.Message);
        var twice = Assert.Throws<FeatureDefinitionException>(() => FeatureSet.Merge([
            FeatureDefinition.Create("sma_3", FeatureKind.Sma, window: 3),
            FeatureDefinition.Create("sma_3", FeatureKind.Sma, ["volume"], 3)]));
        Assert.Contains("'sma_3' is defined twice, differently", twice.Message);
    }

    [Fact]
    public void Definitions_survive_json_and_give_the_same_stream()
    {
        var set = new FeatureSet(FeatureSet.Merge(new[] { "ret_1", "ema_5", "rsi_3", "spread_x_vol" }.SelectMany(FeatureNames.Parse))
            .Append(FeatureDefinition.Create("k", FeatureKind.Ratio, ["ret_1", "ema_5"])), "ts");
        var loaded = FeatureSet.FromJson(set.ToJson());
        Assert.Equal(set.Names, loaded.Names);
        Assert.Equal("ts", loaded.TimeColumn);
        Assert.Equal(set.Definitions.Select(d => (d.Kind, d.Window, string.Join(",", d.Inputs))),
            loaded.Definitions.Select(d => (d.Kind, d.Window, string.Join(",", d.Inputs))));
        var a = new StreamingFeatureEvaluator(set);
        var b = new StreamingFeatureEvaluator(loaded);
        var random = new Random(5);
        for (var t = 0; t < 50; t++)
        {
            var row = Enumerable.Range(0, a.InputColumns.Count).Select(_ => 100 + random.NextDouble()).ToArray();
            Assert.Equal(a.Update(row).ToArray(), b.Update(row).ToArray());
        }
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("""{"version":2,"time_column":"t","features":[]}""", "version 2")]
    [InlineData("""{"version":1,"time_column":"t","features":[{"name":"a","kind":"sma","inputs":["close"],"window":0}]}""", "needs a window")]
    [InlineData("""{"version":1,"time_column":"t","features":[{"name":"a","kind":"wma","inputs":["close"],"window":3}]}""", "unknown feature kind 'wma'")]
    public void Malformed_definition_files_are_rejected(string json, string message)
    {
        var error = Assert.Throws<FeatureDefinitionException>(() => FeatureSet.FromJson(json));
        Assert.Contains(message, error.Message);
    }
}
