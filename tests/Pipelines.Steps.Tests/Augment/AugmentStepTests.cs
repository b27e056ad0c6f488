using Pipelines.Abstractions;
using Pipelines.Learning.Linear;
using Pipelines.Steps.Augment;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Tests.Augment;

public sealed class AugmentStepTests : IDisposable
{
    private static readonly string[] Columns = ["t", "a", "b", "label"];
    private readonly TestStepContext _context = new();

    public void Dispose() => _context.Dispose();

    /// <summary>400 rows; label 1 (about one row in eight) when a + b is high; the last row is unlabelled, as a label looking ahead leaves it.</summary>
    private static double?[][] Rows(int count = 400, int seed = 3)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(r =>
        {
            var a = random.NextDouble();
            var b = random.NextDouble();
            return new double?[] { r, a, b, r == count - 1 ? null : a + b + random.NextDouble() * 0.3 > 1.6 ? 1 : 0 };
        }).ToArray();
    }

    // 399 labelled rows: the holdout is the latest ceil(399 × 0.2) = 80, the gap 5 before it, so rows 0..313 train.
    private const int TrainingRows = 314;

    private List<object?[]> Read(Artifact table, string sql)
    {
        using var probe = new ParquetProbe(_context.FullPath(table));
        return probe.Rows(sql);
    }

    [Fact]
    public async Task No_SMOTE_row_derives_from_a_holdout_or_gap_row_and_every_real_row_is_kept_as_it_was()
    {
        var rows = Rows();
        var outputs = await new SmoteStep().ExecuteAsync(new SmoteInputs
        {
            Input = TableFiles.Parquet(_context, Columns, rows), Target = "label", Exclude = ["t"], K = 3, Gap = 5, TestFraction = 0.2, Seed = 4,
        }, _context, default);

        var synthetic = Read(outputs.Table, "SELECT source_row, neighbour_row, a, b, label FROM {t} WHERE synthetic");
        Assert.Equal(outputs.SyntheticRows, synthetic.Count);
        var minority = rows.Take(TrainingRows).Count(r => r[3] == 1);
        Assert.Equal(TrainingRows - 2 * minority, synthetic.Count);
        foreach (var row in synthetic)
        {
            var source = (int)(long)row[0]!;
            var neighbour = (int)(long)row[1]!;
            Assert.InRange(source, 0, TrainingRows - 1);
            Assert.InRange(neighbour, 0, TrainingRows - 1);
            Assert.Equal(1.0, rows[source][3]);
            Assert.Equal(1.0, rows[neighbour][3]);
            Assert.Equal(1.0, (double)row[4]!);
            // On the segment between the two rows: the same gap on both features.
            var gapA = ((double)row[2]! - rows[source][1]!.Value) / (rows[neighbour][1]!.Value - rows[source][1]!.Value);
            var gapB = ((double)row[3]! - rows[source][2]!.Value) / (rows[neighbour][2]!.Value - rows[source][2]!.Value);
            Assert.InRange(gapA, 0, 1);
            Assert.Equal(gapA, gapB, 9);
        }

        var real = Read(outputs.Table, "SELECT t, a, b, label, source_row FROM {t} WHERE NOT synthetic");
        Assert.Equal(rows.Length, real.Count);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(i, (long)real[i][4]!);
            Assert.Equal(rows[i][1], (double)real[i][1]!);
            Assert.Equal(rows[i][3], real[i][3] as double?);
        }
        // Every row after the training rows is real and in its place: the table ends with the gap and the holdout as they were.
        var tail = Read(outputs.Table, $"SELECT synthetic, source_row FROM {{t}} OFFSET {outputs.Rows - (rows.Length - TrainingRows)}");
        Assert.All(tail, r => Assert.False((bool)r[0]!));
        Assert.Equal(Enumerable.Range(TrainingRows, rows.Length - TrainingRows).Select(i => (long)i), tail.Select(r => (long)r[1]!));
    }

    [Fact]
    public async Task Block_bootstrap_copies_consecutive_training_rows_only_and_a_train_step_scores_on_the_same_holdout()
    {
        var rows = Rows();
        var outputs = await new BlockBootstrapStep().ExecuteAsync(new BlockBootstrapInputs
        {
            Input = TableFiles.Parquet(_context, Columns, rows), Target = "label", BlockLength = 10, Count = 200, Gap = 5, TestFraction = 0.2, Seed = 9,
        }, _context, default);
        Assert.Equal(200, outputs.SyntheticRows);
        var synthetic = Read(outputs.Table, "SELECT source_row, a, neighbour_row FROM {t} WHERE synthetic");
        var sources = synthetic.Select(r => (int)(long)r[0]!).ToArray();
        Assert.All(sources, s => Assert.InRange(s, 0, TrainingRows - 1));
        Assert.All(synthetic, r => Assert.Null(r[2]));
        Assert.All(synthetic, r => Assert.Equal(rows[(int)(long)r[0]!][1], (double)r[1]!));

        // A train step with the same test_fraction and gap holds out the same 80 real rows and scores walk-forward folds on real rows only.
        var trained = await new TrainGbdtStep().ExecuteAsync(new TrainGbdtInputs
        {
            Input = outputs.Table, Target = "label", Objective = GbdtObjective.Binary, Exclude = ["t"], Gap = 5, TestFraction = 0.2, Folds = 3,
            Params = new Dictionary<string, string> { ["num_iterations"] = "10", ["min_data_in_leaf"] = "5" },
        }, _context, default);
        var metrics = TrainingMetrics.Load(_context.FullPath(trained.Metrics));
        Assert.Equal(80, metrics.Rows.Holdout);
        Assert.Equal(TrainingRows + 200, metrics.Rows.Train);
        Assert.Equal(["a", "b"], metrics.Features);
        var scored = Read(trained.OutOfSample, "SELECT source_row FROM {t}").Select(r => (long)r[0]!).ToList();
        var syntheticPositions = Read(outputs.Table, "SELECT row_number() OVER () - 1 AS position, synthetic FROM {t}").Where(r => (bool)r[1]!).Select(r => (long)r[0]!).ToHashSet();
        Assert.DoesNotContain(scored, syntheticPositions.Contains);
    }

    [Fact]
    public async Task A_linear_model_on_a_SMOTE_table_holds_out_the_same_real_rows_and_never_takes_a_marker_column_as_a_feature()
    {
        var smote = await new SmoteStep().ExecuteAsync(new SmoteInputs
        {
            Input = TableFiles.Parquet(_context, Columns, Rows()), Target = "label", Exclude = ["t"], K = 3, Gap = 5,
        }, _context, default);
        var trained = await new TrainLinearStep().ExecuteAsync(new TrainLinearInputs
        {
            Input = smote.Table, Target = "label", Objective = LinearObjective.Logistic, Exclude = ["t"], Gap = 5, Folds = 2,
        }, _context, default);
        var metrics = TrainingMetrics.Load(_context.FullPath(trained.Metrics));
        Assert.Equal(80, metrics.Rows.Holdout);
        Assert.Equal(TrainingRows + smote.SyntheticRows, metrics.Rows.Train);
        Assert.Equal(["a", "b"], metrics.Features);
        var explicitMarker = await Assert.ThrowsAsync<StepInputException>(() => new TrainLinearStep().ExecuteAsync(new TrainLinearInputs
        {
            Input = smote.Table, Target = "label", Objective = LinearObjective.Logistic, Features = ["a", "source_row"],
        }, _context, default));
        Assert.Equal("features", explicitMarker.Input);
        Assert.Contains("'source_row' marks the rows an augmentation step made", explicitMarker.Message);
    }

    [Fact]
    public async Task A_train_step_refuses_a_table_augmented_for_a_smaller_holdout()
    {
        var outputs = await new BlockBootstrapStep().ExecuteAsync(new BlockBootstrapInputs
        {
            Input = TableFiles.Parquet(_context, Columns, Rows()), Target = "label", BlockLength = 5, Count = 50, TestFraction = 0.05,
        }, _context, default);
        var error = await Assert.ThrowsAsync<StepInputException>(() => new TrainGbdtStep().ExecuteAsync(new TrainGbdtInputs
        {
            Input = outputs.Table, Target = "label", Objective = GbdtObjective.Binary, TestFraction = 0.3,
            Params = new Dictionary<string, string> { ["num_iterations"] = "5" },
        }, _context, default));
        Assert.Equal("input", error.Input);
        Assert.Contains("augment with the same test_fraction and gap", error.Message);
    }

    [Fact]
    public async Task Early_stopping_is_refused_on_augmented_training_rows_since_it_would_validate_on_synthetic_ones()
    {
        var outputs = await new BlockBootstrapStep().ExecuteAsync(new BlockBootstrapInputs
        {
            Input = TableFiles.Parquet(_context, Columns, Rows()), Target = "label", BlockLength = 5, Count = 50,
        }, _context, default);
        var error = await Assert.ThrowsAsync<StepInputException>(() => new TrainGbdtStep().ExecuteAsync(new TrainGbdtInputs
        {
            Input = outputs.Table, Target = "label", Objective = GbdtObjective.Binary,
            Params = new Dictionary<string, string> { ["num_iterations"] = "20", ["early_stopping_round"] = "3" },
        }, _context, default));
        Assert.Equal("params", error.Input);
        Assert.Contains("synthetic rows", error.Message);
    }

    [Fact]
    public async Task SMOTE_on_a_class_of_one_training_row_fails_naming_the_class()
    {
        var rows = Rows().Select((r, i) => new double?[] { r[0], r[1], r[2], r[3] is null ? null : i == 7 ? 1 : 0 }).ToArray();
        var error = await Assert.ThrowsAsync<StepInputException>(() => new SmoteStep().ExecuteAsync(new SmoteInputs
        {
            Input = TableFiles.Parquet(_context, Columns, rows), Target = "label", Exclude = ["t"],
        }, _context, default));
        Assert.Equal("target", error.Input);
        Assert.Contains("class '1.0' has 1 training row", error.Message);
    }

    [Fact]
    public async Task SMOTE_with_k_above_the_class_size_less_one_fails_naming_k_and_the_limit()
    {
        var rows = Rows().Select((r, i) => new double?[] { r[0], r[1], r[2], r[3] is null ? null : i is 7 or 20 or 31 ? 1 : 0 }).ToArray();
        var error = await Assert.ThrowsAsync<StepInputException>(() => new SmoteStep().ExecuteAsync(new SmoteInputs
        {
            Input = TableFiles.Parquet(_context, Columns, rows), Target = "label", Exclude = ["t"], K = 5,
        }, _context, default));
        Assert.Equal("k", error.Input);
        Assert.Contains("is 5, but class '1.0' has 3 training rows", error.Message);
        Assert.Contains("at most 2", error.Message);
    }

    [Fact]
    public async Task A_block_longer_than_the_training_rows_fails_naming_both()
    {
        var error = await Assert.ThrowsAsync<StepInputException>(() => new BlockBootstrapStep().ExecuteAsync(new BlockBootstrapInputs
        {
            Input = TableFiles.Parquet(_context, Columns, Rows()), Target = "label", BlockLength = 500, Gap = 5,
        }, _context, default));
        Assert.Equal("block_length", error.Input);
        Assert.Contains($"is 500, longer than the {TrainingRows} training rows", error.Message);
    }
}
