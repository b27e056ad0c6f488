using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Learning.Linear;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Tests.Train;

public sealed class TrainLinearStepTests : IDisposable
{
    private readonly TestStepContext _context = new();

    public void Dispose() => _context.Dispose();

    private TrainLinearOutputs Run(TrainLinearInputs inputs) =>
        new TrainLinearStep().ExecuteAsync(inputs, _context, default).GetAwaiter().GetResult();

    private JsonNode Json(Artifact artifact) => JsonNode.Parse(File.ReadAllText(_context.FullPath(artifact)))!;

    private static TrainLinearInputs Ridge(Artifact table) => new()
    {
        Input = table, Target = "y", Objective = LinearObjective.Ridge, Features = ["a", "b"], L2 = 2, Standardize = false, TestFraction = 0.25, Gap = 5,
    };

    [Fact]
    public void Ridge_learns_the_normal_equations_of_the_training_rows_only()
    {
        var rows = LinearTables.Rows(200, seed: 1);
        var outputs = Run(Ridge(LinearTables.Table(_context, rows)));

        // 200 rows: the latest 50 are held out, 5 more left as a gap; the model sees rows 0..144.
        var expected = LinearTables.RidgeByNormalEquations(rows.Take(145), [1, 2], 4, 2);
        var model = LinearModelFile.Load(_context.FullPath(outputs.Model));
        Assert.Equal(expected[0], model.Intercept, 8);
        Assert.Equal(expected[1], model.Weights[0], 8);
        Assert.Equal(expected[2], model.Weights[1], 8);
        Assert.Equal(145, outputs.SamplesSeen);
        Assert.Equal(["a", "b"], outputs.Features);

        var metrics = Json(outputs.Metrics);
        Assert.Equal("regression", (string?)metrics["objective"]);
        Assert.Equal("ridge", TrainingMetrics.Load(_context.FullPath(outputs.Metrics)).TrainedObjective);
        Assert.Equal(145, (int)metrics["rows"]!["train"]!);
        Assert.Equal(50, (int)metrics["rows"]!["holdout"]!);
        Assert.Equal(outputs.Model.Sha256, (string?)metrics["model_sha256"]);
        Assert.Equal(outputs.Score, (double)metrics["holdout"]!["rmse"]!, 9);
        // The truth has noise uniform on ±0.25 (sd 0.144): a fitted line is near that on unseen rows.
        Assert.InRange(outputs.Score, 0.1, 0.2);

        // Holdout predictions are the model's, row by row, on rows 150..199.
        using var holdout = new ParquetProbe(_context.FullPath(outputs.Holdout));
        var stored = holdout.Rows("SELECT source_row, label, prediction FROM {t} ORDER BY source_row");
        Assert.Equal(50, stored.Count);
        Assert.Equal(150L, stored[0][0]);
        foreach (var row in stored)
        {
            var source = rows[(long)row[0]!];
            Assert.Equal(source[4]!.Value, (double)row[1]!, 12);
            Assert.Equal(expected[0] + expected[1] * source[1]!.Value + expected[2] * source[2]!.Value, (double)row[2]!, 8);
        }

        // Importance is |weight × training deviation|: a gives ≈ 3 × 0.58 = 1.7 (uniform on ±1), b ≈ 2 × 1.15 = 2.3 (uniform on 0..4), so b ranks first.
        var importance = Json(outputs.Importance)!.AsArray();
        Assert.Equal("b", (string?)importance[0]!["feature"]);
        var deviationB = StandardDeviation(rows.Take(145).Select(r => r[2]!.Value));
        Assert.Equal(Math.Abs(expected[2]) * deviationB, (double)importance[0]!["importance"]!, 8);
    }

    [Fact]
    public void Logistic_regression_ranks_the_holdout_well_and_drops_rows_with_missing_features()
    {
        var rows = LinearTables.Rows(600, seed: 2, missingAtStart: 10);
        var outputs = Run(new TrainLinearInputs
        {
            Input = LinearTables.Table(_context, rows), Target = "up", Objective = LinearObjective.Logistic, Exclude = ["t", "y"], L2 = 1,
        });
        var metrics = Json(outputs.Metrics);
        Assert.Equal("binary", (string?)metrics["objective"]);
        Assert.Equal(10, TrainingMetrics.Load(_context.FullPath(outputs.Metrics)).Rows.Dropped);
        Assert.Equal(["a", "b", "noise"], outputs.Features);
        // σ(2a − b + 2) separates the classes well; the noise column carries nothing.
        Assert.InRange(outputs.Score, 0.75, 1.0);
        var importance = Json(outputs.Importance)!.AsArray();
        Assert.Equal("noise", (string?)importance[2]!["feature"]);
        var model = LinearModelFile.Load(_context.FullPath(outputs.Model));
        Assert.NotNull(model.Scaler);
        Assert.True(model.Weights[0] > 0 && model.Weights[1] < 0);
    }

    [Fact]
    public void A_warm_start_continues_the_earlier_model_on_new_rows()
    {
        var rows = LinearTables.Rows(400, seed: 3);
        var first = Run(Ridge(LinearTables.Table(_context, rows[..200])));
        var second = Run(Ridge(LinearTables.Table(_context, rows[200..])) with { WarmStart = first.Model, Features = null });

        // Ridge's online update is exact: the result solves the normal equations of both training parts.
        var expected = LinearTables.RidgeByNormalEquations(rows[..145].Concat(rows[200..345]), [1, 2], 4, 2);
        var model = LinearModelFile.Load(_context.FullPath(second.Model));
        Assert.Equal(290, second.SamplesSeen);
        for (var j = 0; j < 2; j++) Assert.Equal(expected[j + 1], model.Weights[j], 8);
        var metrics = Json(second.Metrics);
        Assert.Equal(first.Model.Sha256, (string?)metrics["warm_start"]!["model_sha256"]);
        Assert.Equal(145, (int)metrics["warm_start"]!["samples_seen_before"]!);
    }

    [Fact]
    public void A_warm_start_from_the_registry_uses_the_aliased_version()
    {
        _context.ModelRegistry = new MemoryModelRegistry();
        var rows = LinearTables.Rows(400, seed: 4);
        var first = Run(Ridge(LinearTables.Table(_context, rows[..200])));
        var version = _context.Registry.Register("demand", first.Model, null, null, "first fit");
        _context.Registry.Promote("demand", version.Version, "champion", "first fit");

        var second = Run(Ridge(LinearTables.Table(_context, rows[200..])) with { WarmStartModel = "demand", Features = null });
        Assert.Equal(290, second.SamplesSeen);

        var error = Assert.Throws<StepInputException>(() => Run(Ridge(LinearTables.Table(_context, rows[200..])) with { WarmStartModel = "demand", WarmStartAlias = "staging" }));
        Assert.Equal("warm_start_alias", error.Input);
    }

    [Fact]
    public void Inconsistent_warm_starts_and_bad_settings_name_the_input()
    {
        var rows = LinearTables.Rows(200, seed: 5);
        var table = LinearTables.Table(_context, rows);
        var ridge = Run(Ridge(table));

        Assert.Equal("objective", Assert.Throws<StepInputException>(() =>
            Run(new TrainLinearInputs { Input = table, Target = "up", Objective = LinearObjective.Logistic, WarmStart = ridge.Model })).Input);
        Assert.Equal("features", Assert.Throws<StepInputException>(() => Run(Ridge(table) with { WarmStart = ridge.Model, Features = ["b", "a"] })).Input);
        Assert.Equal("folds", Assert.Throws<StepInputException>(() => Run(Ridge(table) with { WarmStart = ridge.Model, Features = null, Folds = 3 })).Input);
        Assert.Equal("l2", Assert.Throws<StepInputException>(() => Run(Ridge(table) with { L2 = -1 })).Input);
        Assert.Equal("target", Assert.Throws<StepInputException>(() => Run(Ridge(table) with { Target = "z" })).Input);

        var notLinear = _context.StageArtifact("model", "txt");
        File.WriteAllText(notLinear.Path, "tree\nversion=v4\n");
        var error = Assert.Throws<StepInputException>(() => Run(Ridge(table) with { WarmStart = _context.CommitArtifact(notLinear) }));
        Assert.Equal("warm_start", error.Input);
        Assert.Contains("not a linear model", error.Message);
    }

    [Fact]
    public void Walk_forward_folds_are_reported()
    {
        var outputs = Run(Ridge(LinearTables.Table(_context, LinearTables.Rows(200, seed: 6))) with { Folds = 3 });
        var walkForward = Json(outputs.Metrics)["walk_forward"]!;
        Assert.Equal(3, (int)walkForward["folds"]!);
        Assert.Equal(3, walkForward["per_fold"]!.AsArray().Count);
        Assert.InRange((double)walkForward["mean"]!["rmse"]!, 0.1, 0.25);
    }

    private static double StandardDeviation(IEnumerable<double> values)
    {
        var list = values.ToList();
        var mean = list.Average();
        return Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / list.Count);
    }
}
