using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Tests.Train;

/// <summary>A train step keeps every prediction made on rows its model had not seen: each walk-forward fold, then the holdout.</summary>
public sealed class OutOfSamplePredictionsTests : IDisposable
{
    private readonly TestStepContext _context = new();
    private readonly double?[][] _rows = LinearTables.Rows(400, seed: 5);

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task Each_walk_forward_fold_is_predicted_by_a_model_fitted_only_on_rows_before_its_gap_and_the_holdout_comes_last()
    {
        var outputs = await new TrainGbdtStep().ExecuteAsync(new TrainGbdtInputs
        {
            Input = LinearTables.Table(_context, _rows), Target = "up", Objective = GbdtObjective.Binary, Features = ["a", "b", "noise"], Gap = 5, Folds = 3,
            Params = new Dictionary<string, string> { ["num_iterations"] = "20", ["min_data_in_leaf"] = "10" },
        }, _context, default);

        // 400 rows: the latest 80 held out after a gap of 5, leaving 315; three test blocks of 315 / 4 = 78 rows end
        // there, so they start at rows 81, 159 and 237, each trained on the rows before it less the gap.
        using var probe = new ParquetProbe(_context.FullPath(outputs.OutOfSample));
        var blocks = probe.Rows("SELECT fold, part, min(source_row), max(source_row), count(*) FROM {t} GROUP BY fold, part ORDER BY fold");
        Assert.Equal(
            [(1, "walk_forward", 81L, 158L, 78L), (2, "walk_forward", 159L, 236L, 78L), (3, "walk_forward", 237L, 314L, 78L), (4, "holdout", 320L, 399L, 80L)],
            blocks.Select(b => ((int)b[0]!, (string)b[1]!, (long)b[2]!, (long)b[3]!, (long)b[4]!)));

        // Fold 1 by LightGBM directly: trained on rows 0-75 with the parameters the step recorded, predicting rows 81-158.
        var metrics = TrainingMetrics.Load(_context.FullPath(outputs.Metrics));
        DenseDataset Rows(int from, int count) => new(_rows.Skip(from).Take(count).SelectMany(r => new[] { r[1]!.Value, r[2]!.Value, r[3]!.Value }).ToArray(), count,
            ["a", "b", "noise"], _rows.Skip(from).Take(count).Select(r => r[5]!.Value).ToArray());
        using var booster = LightGbmTrainer.Train(Rows(0, 76), null, LightGbmParameters.From(metrics.Parameters));
        var expected = booster.Predict(Rows(81, 78));
        var stored = probe.Rows("SELECT prediction, label FROM {t} WHERE fold = 1 ORDER BY source_row");
        for (var i = 0; i < 78; i++)
        {
            Assert.Equal(expected[i], (double)stored[i][0]!, 12);
            Assert.Equal(_rows[81 + i][5]!.Value, (double)stored[i][1]!);
        }

        // The holdout part is the holdout table, row for row.
        Assert.Equal(0L, probe.Scalar<long>($"SELECT count(*) FROM (SELECT source_row, label, prediction FROM {{t}} WHERE part = 'holdout' EXCEPT SELECT source_row, label, prediction FROM read_parquet('{_context.FullPath(outputs.Holdout)}'))"));
    }
}
