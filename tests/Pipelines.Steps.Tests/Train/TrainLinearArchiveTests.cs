using Pipelines.Learning.Data;
using Pipelines.Learning.Linear;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Tests.Train;

public sealed class TrainLinearArchiveTests : IDisposable
{
    private readonly TestStepContext _context = new();
    // t runs 0..399: 315 training rows (t < 315), a gap of 5, then 80 holdout rows.
    private readonly double?[][] _rows = LinearTables.Rows(400, seed: 8);

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task A_ridge_model_learns_archived_rows_with_their_weight_and_skips_those_missing_a_feature()
    {
        var older = LinearTables.Rows(20, seed: 12).Select((r, i) => new double?[] { i - 40.0, r[1], r[2], r[3], r[4], r[5] }).ToArray();
        var incomplete = new double?[] { -5.0, null, 1.0, 0.5, 2.0, 1.0 };
        var plain = LinearTables.Table(_context, [.. older, incomplete, .. _rows.Skip(50).Take(5)]);
        var staged = _context.StageArtifact("table", "parquet");
        using (var connection = ParquetTableWriter.OpenScratch())
            connection.Execute($"COPY (SELECT *, 'flash-crash' AS archive_event FROM read_parquet('{_context.FullPath(plain)}')) TO '{staged.Path}' (FORMAT parquet)");
        var archived = _context.CommitArtifact(staged);

        var outputs = await new TrainLinearStep().ExecuteAsync(new TrainLinearInputs
        {
            Input = LinearTables.Table(_context, _rows), Target = "y", Objective = LinearObjective.Ridge, Features = ["a", "b"], L2 = 1, Standardize = false, Gap = 5,
            Archive = new ArchiveMixing { Rows = [archived], Weight = 3, TimeColumn = "t" },
        }, _context, default);

        var metrics = TrainingMetrics.Load(_context.FullPath(outputs.Metrics));
        Assert.Equal((20, 5, 1), (metrics.Archive!.Appended, metrics.Archive.Reweighted, metrics.Archive.LeftOut));
        Assert.Equal(["flash-crash"], outputs.ArchiveEvents);
        Assert.Equal(25, outputs.ArchiveRows);

        // The closed form on the rows as they should be mixed: the older rows first, weight 3 on them and on t = 50..54.
        var mixed = older.Concat(_rows.Take(315)).ToArray();
        var expected = LinearTrainer.Fit(new DenseDataset(mixed.SelectMany(r => new[] { r[1]!.Value, r[2]!.Value }).ToArray(), mixed.Length, ["a", "b"],
            mixed.Select(r => r[4]!.Value).ToArray(), older.Select(_ => 3.0).Concat(Enumerable.Range(0, 315).Select(t => t is >= 50 and < 55 ? 3.0 : 1.0)).ToArray()),
            new LinearParameters { Objective = LinearObjective.Ridge, L2 = 1, Standardize = false });
        var model = LinearModelFile.Load(_context.FullPath(outputs.Model));
        Assert.Equal(expected.Intercept, model.Intercept, 10);
        Assert.Equal(expected.Weights, model.Weights, (x, y) => Math.Abs(x - y) < 1e-10);
    }
}
