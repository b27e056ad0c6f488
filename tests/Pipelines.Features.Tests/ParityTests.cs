using DuckDB.NET.Data;
using Pipelines.Learning.Features;
using Pipelines.Steps.Features;
using Pipelines.Steps.Tables;
using Xunit.Abstractions;

namespace Pipelines.Features.Tests;

public sealed class ParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-9;

    [Fact]
    public void Batch_sql_and_streaming_agree_on_every_bundled_bar()
    {
        var names = new[]
        {
            "ret_1", "ret_15", "logret_1", "roc_5", "sma_10", "ema_12", "std_30", "z_20", "trend_10", "rsi_14", "atr_14", "natr_14",
            "vol_z_20", "vol_ratio_20", "dollar_vol", "spread_x_vol", "close_current", "volume_mean_10", "volume_std_10",
            "high_trend_30", "low_roc_3", "spread_bps", "order_imbalance_20", "trade_flow_imbalance_20", "bid_pressure_20",
        };
        var definitions = FeatureSet.Merge(names.SelectMany(FeatureNames.Parse))
            .Append(FeatureDefinition.Create("ret_per_std", FeatureKind.Ratio, ["ret_1", "std_30"]))
            .Append(FeatureDefinition.Create("rsi_x_flow", FeatureKind.Product, ["rsi_14", "trade_flow_imbalance_20"]))
            .Append(FeatureDefinition.Create("scaled_ratio", FeatureKind.Product, ["ret_per_std", "volume"]));
        var features = new FeatureSet(definitions);

        using var connection = ParquetTableWriter.OpenScratch();
        BundledBars.CreateView(connection);

        var select = BatchFeaturizer.Prepare(connection, "bars", features);
        var batch = ReadFeatures(connection, select, features.Names);
        Assert.Equal(30_240, batch.Length);

        var evaluator = new StreamingFeatureEvaluator(features);
        var inputs = string.Join(", ", evaluator.InputColumns.Select(c => $"CAST({SqlText.Identifier(c)} AS DOUBLE)"));
        var rows = connection.Rows($"SELECT {inputs} FROM bars ORDER BY open_time");
        var row = new double[evaluator.InputColumns.Count];
        var maxDifference = new double[features.Names.Count];
        var t = 0;
        foreach (var values in rows)
        {
            for (var c = 0; c < row.Length; c++) row[c] = (double)values[c]!;
            var streamed = evaluator.Update(row);
            for (var f = 0; f < streamed.Length; f++)
            {
                var expected = batch[t][f];
                if (double.IsNaN(expected) || double.IsNaN(streamed[f]))
                {
                    Assert.True(double.IsNaN(expected) && double.IsNaN(streamed[f]),
                        $"{features.Names[f]} row {t}: batch {expected}, streaming {streamed[f]}");
                    continue;
                }
                maxDifference[f] = Math.Max(maxDifference[f], Math.Abs(expected - streamed[f]));
            }
            t++;
        }
        Assert.Equal(batch.Length, t);
        for (var f = 0; f < maxDifference.Length; f++)
            output.WriteLine($"{features.Names[f],-26} max |batch - streaming| = {maxDifference[f]:E2}");
        for (var f = 0; f < maxDifference.Length; f++)
            Assert.True(maxDifference[f] <= Tolerance, $"{features.Names[f]} differs by {maxDifference[f]:E3}");

        // Warm-up rows are NULL in SQL exactly as documented: N-1 for rolling kinds, k for lags, N for RSI.
        for (var f = 0; f < features.Definitions.Count; f++)
        {
            var definition = features.Definitions[f];
            if (definition.Info.OperandsMayBeFeatures) continue;
            var leadingNulls = 0;
            while (double.IsNaN(batch[leadingNulls][f])) leadingNulls++;
            Assert.True(definition.WarmUpRows == leadingNulls, $"{definition.Name}: {leadingNulls} leading NULLs, documented {definition.WarmUpRows}");
        }
    }

    private static double[][] ReadFeatures(DuckDBConnection connection, string select, IReadOnlyList<string> names)
    {
        var columns = string.Join(", ", names.Select(SqlText.Identifier));
        return connection.Rows($"SELECT {columns} FROM ({select})").Select(r => r.Select(v => v is null ? double.NaN : (double)v).ToArray()).ToArray();
    }
}
