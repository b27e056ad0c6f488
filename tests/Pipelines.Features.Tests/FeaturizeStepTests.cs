using Pipelines.Abstractions;
using Pipelines.Learning.Features;
using Pipelines.Steps.Features;
using Pipelines.Steps.Tables;

namespace Pipelines.Features.Tests;

public sealed class FeaturizeStepTests : IDisposable
{
    private readonly ScratchStepContext _context = new();

    public void Dispose() => _context.Dispose();

    private Artifact Bars(int rows) => _context.TableOf(
        $"SELECT * FROM read_csv({SqlText.Literal(BundledBars.CsvPath)}, header = true) ORDER BY open_time LIMIT {rows}");

    [Fact]
    public async Task The_design_sketch_features_come_out_with_the_input_columns_and_loadable_definitions()
    {
        var outputs = await new FeaturizeStep().ExecuteAsync(new FeaturizeInputs
        {
            Input = Bars(300),
            Features = ["ret_1", "sma_10", "std_30", "roc_5", "spread_x_vol"],
            Define = [new FeatureSpec { Name = "ret_per_std", Kind = "ratio", Inputs = ["ret_1", "std_30"] },
                      new FeatureSpec { Name = "high_ema_4", Kind = "ema", Column = "high", Window = 4 }],
        }, _context, CancellationToken.None);

        Assert.Equal(300, outputs.Rows);
        Assert.Equal(["ret_1", "sma_10", "std_30", "roc_5", "range_bps", "spread_x_vol", "ret_per_std", "high_ema_4"], outputs.Features);
        using var connection = ParquetTableWriter.OpenScratch();
        var table = $"read_parquet({SqlText.Literal(_context.OpenArtifact(outputs.Table))})";
        var columns = BatchFeaturizer.Columns(connection, table);
        Assert.Equal(["open_time", "open", "high", "low", "close", "volume", .. outputs.Features], columns);
        Assert.Equal(29, connection.Scalar<long>($"SELECT count(*) FROM {table} WHERE std_30 IS NULL"));

        // The stored definitions rebuild an evaluator whose last row equals the table's last row.
        var features = FeatureSet.FromJson(File.ReadAllText(_context.OpenArtifact(outputs.Definitions)));
        var evaluator = new StreamingFeatureEvaluator(features);
        var inputs = string.Join(", ", evaluator.InputColumns.Select(c => $"CAST({SqlText.Identifier(c)} AS DOUBLE)"));
        foreach (var row in connection.Rows($"SELECT {inputs} FROM {table} ORDER BY open_time"))
            evaluator.Update(row.Select(v => (double)v!).ToArray());
        var last = connection.Rows($"SELECT {string.Join(", ", features.Names.Select(SqlText.Identifier))} FROM {table} ORDER BY open_time DESC LIMIT 1");
        var expected = last[0].Select(v => (double)v!).ToArray();
        for (var f = 0; f < expected.Length; f++)
            Assert.True(Math.Abs(expected[f] - evaluator.Current[f]) <= 1e-9, $"{features.Names[f]}: {expected[f]} vs {evaluator.Current[f]}");
    }

    [Fact]
    public async Task A_feature_whose_columns_are_missing_is_reported_against_features()
    {
        var error = await Assert.ThrowsAsync<StepInputException>(() => new FeaturizeStep().ExecuteAsync(
            new FeaturizeInputs { Input = Bars(50), Features = ["sma_10", "order_imbalance_20"] }, _context, CancellationToken.None));
        Assert.Equal("features", error.Input);
        Assert.Contains("feature 'order_imbalance_20' (order_imbalance) needs column 'bid_depth'", error.Message);
    }

    [Fact]
    public async Task Bad_time_columns_and_repeated_times_are_rejected()
    {
        var missing = await Assert.ThrowsAsync<StepInputException>(() => new FeaturizeStep().ExecuteAsync(
            new FeaturizeInputs { Input = Bars(50), TimeColumn = "ts", Features = ["sma_10"] }, _context, CancellationToken.None));
        Assert.Equal("time_column", missing.Input);
        Assert.Contains("time column 'ts' is not in the table", missing.Message);

        var repeated = _context.TableOf($"SELECT * FROM (SELECT * FROM read_csv({SqlText.Literal(BundledBars.CsvPath)}, header = true) ORDER BY open_time LIMIT 5) UNION ALL SELECT * FROM (SELECT * FROM read_csv({SqlText.Literal(BundledBars.CsvPath)}, header = true) ORDER BY open_time LIMIT 1)");
        var duplicate = await Assert.ThrowsAsync<StepInputException>(() => new FeaturizeStep().ExecuteAsync(
            new FeaturizeInputs { Input = repeated, Features = ["sma_2"] }, _context, CancellationToken.None));
        Assert.Contains("repeats 1 value(s)", duplicate.Message);
    }

    [Fact]
    public async Task An_explicit_definition_with_a_bad_window_names_the_feature()
    {
        var error = await Assert.ThrowsAsync<StepInputException>(() => new FeaturizeStep().ExecuteAsync(new FeaturizeInputs
        {
            Input = Bars(20),
            Define = [new FeatureSpec { Name = "slow", Kind = "ema", Window = 0 }],
        }, _context, CancellationToken.None));
        Assert.Equal("define", error.Input);
        Assert.Contains("feature 'slow' (ema) needs a window of at least 1, got 0", error.Message);
    }
}
