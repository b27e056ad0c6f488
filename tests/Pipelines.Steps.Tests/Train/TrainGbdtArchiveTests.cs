using Pipelines.Abstractions;
using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Tests.Train;

public sealed class TrainGbdtArchiveTests : IDisposable
{
    private readonly TestStepContext _context = new();
    // t runs 0..399: 315 training rows (t < 315), a gap of 5, then 80 holdout rows.
    private readonly double?[][] _rows = LinearTables.Rows(400, seed: 5);

    public void Dispose() => _context.Dispose();

    private TrainGbdtOutputs Run(TrainGbdtInputs inputs) => new TrainGbdtStep().ExecuteAsync(inputs, _context, default).GetAwaiter().GetResult();

    /// <summary>An archived event's rows as archive/capture writes them: the table's columns and the event's name.</summary>
    private Artifact ArchivedRows(string name, IEnumerable<double?[]> rows)
    {
        var plain = LinearTables.Table(_context, rows.ToArray());
        var staged = _context.StageArtifact("table", "parquet");
        using var connection = ParquetTableWriter.OpenScratch();
        connection.Execute($"COPY (SELECT *, '{name}' AS archive_event FROM read_parquet('{_context.FullPath(plain)}')) TO '{staged.Path}' (FORMAT parquet)");
        return _context.CommitArtifact(staged);
    }

    private TrainGbdtInputs Inputs(ArchiveMixing? archive) => new()
    {
        Input = LinearTables.Table(_context, _rows), Target = "y", Objective = GbdtObjective.Regression, Features = ["a", "b", "noise"], Gap = 5,
        Params = new Dictionary<string, string> { ["num_iterations"] = "20", ["min_data_in_leaf"] = "10", ["num_threads"] = "1" },
        Archive = archive,
    };

    [Fact]
    public void Archived_rows_join_the_training_rows_with_their_weight_and_never_the_holdout()
    {
        var older = LinearTables.Rows(30, seed: 9).Select((r, i) => new double?[] { i - 50.0, r[1], r[2], r[3], r[4], r[5] }).ToArray();
        var withinTraining = _rows.Skip(10).Take(10).ToArray();
        var withinHoldout = _rows.Skip(330).Take(10).ToArray();
        var rows = ArchivedRows("btc-crash-2022-11-08", older.Concat(withinTraining).Concat(withinHoldout));

        var outputs = Run(Inputs(new ArchiveMixing { Rows = [rows], Weight = 2.0, TimeColumn = "t" }));
        var metrics = TrainingMetrics.Load(_context.FullPath(outputs.Metrics));

        Assert.Equal(["btc-crash-2022-11-08"], outputs.ArchiveEvents);
        Assert.Equal(40, outputs.ArchiveRows);
        var archive = metrics.Archive!;
        Assert.Equal((30, 10, 10), (archive.Appended, archive.Reweighted, archive.LeftOut));
        Assert.Equal([rows.Sha256], archive.RowsSha256);
        Assert.Equal(315, metrics.Rows.Train);
        Assert.Equal(80, metrics.Rows.Holdout);

        // LightGBM itself on the rows as they should be mixed: the older event first (it comes first in time), then the
        // training rows, with weight 2 on the archived rows and on the training rows the archive also holds.
        var mixed = older.Concat(_rows.Take(315)).ToArray();
        var weights = older.Select(_ => 2.0).Concat(_rows.Take(315).Select((_, t) => t is >= 10 and < 20 ? 2.0 : 1.0)).ToArray();
        var expected = new DenseDataset(mixed.SelectMany(r => new[] { r[1]!.Value, r[2]!.Value, r[3]!.Value }).ToArray(), mixed.Length, ["a", "b", "noise"],
            mixed.Select(r => r[4]!.Value).ToArray(), weights);
        using var booster = LightGbmTrainer.Train(expected, null, LightGbmParameters.From(metrics.Parameters));
        Assert.Equal(booster.ModelText(), File.ReadAllText(_context.FullPath(outputs.Model)));
    }

    [Fact]
    public void Weighting_the_archive_changes_the_model()
    {
        var rows = ArchivedRows("stress", _rows.Skip(100).Take(60));

        var plain = Run(Inputs(null));
        var weighted = Run(Inputs(new ArchiveMixing { Rows = [rows], Weight = 5.0, TimeColumn = "t" }));

        Assert.Empty(plain.ArchiveEvents);
        Assert.Null(TrainingMetrics.Load(_context.FullPath(plain.Metrics)).Archive);
        Assert.NotEqual(File.ReadAllText(_context.FullPath(plain.Model)), File.ReadAllText(_context.FullPath(weighted.Model)));
    }

    [Fact]
    public void Archived_rows_without_the_training_columns_are_refused_naming_the_column()
    {
        var staged = _context.StageArtifact("table", "parquet");
        using (var connection = ParquetTableWriter.OpenScratch())
            connection.Execute($"COPY (SELECT 1.0 AS t, 2.0 AS a) TO '{staged.Path}' (FORMAT parquet)");
        var rows = _context.CommitArtifact(staged);

        var error = Assert.Throws<StepInputException>(() => Run(Inputs(new ArchiveMixing { Rows = [rows], TimeColumn = "t" })));

        Assert.Equal("archive.rows", error.Input);
        Assert.Contains("lacks column 'b'", error.Message);
        Assert.Equal("archive.weight", Assert.Throws<StepInputException>(() => Run(Inputs(new ArchiveMixing { Rows = [rows], Weight = 0, TimeColumn = "t" }))).Input);
    }
}
