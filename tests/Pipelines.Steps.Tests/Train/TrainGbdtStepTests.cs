using System.Globalization;
using Pipelines.Abstractions;
using DuckDB.NET.Data;
using Pipelines.Learning.Data;
using Pipelines.Learning.LightGbm;
using Pipelines.Learning.Trees;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Tests.Train;

public sealed class TrainGbdtStepTests : IDisposable
{
    private readonly TestStepContext _context = new();
    private readonly double?[][] _rows = LinearTables.Rows(400, seed: 5);

    public void Dispose() => _context.Dispose();

    private TrainGbdtOutputs Run(TrainGbdtInputs inputs) => new TrainGbdtStep().ExecuteAsync(inputs, _context, default).GetAwaiter().GetResult();

    private TrainGbdtInputs Inputs(GbdtObjective objective, string target, params (string Name, string Value)[] parameters) => new()
    {
        Input = LinearTables.Table(_context, _rows), Target = target, Objective = objective, Features = ["a", "b", "noise"], Gap = 5,
        Params = parameters.Length == 0
            ? new Dictionary<string, string> { ["num_iterations"] = "20", ["min_data_in_leaf"] = "10" }
            : parameters.ToDictionary(p => p.Name, p => p.Value),
    };

    [Fact]
    public void The_registered_model_text_is_the_string_LightGBM_saved()
    {
        var outputs = Run(Inputs(GbdtObjective.Binary, "up"));
        var metrics = TrainingMetrics.Load(_context.FullPath(outputs.Metrics));

        // LightGBM on the same 315 training rows with the parameters the step recorded writes the same text.
        var train = new DenseDataset(_rows.Take(315).SelectMany(r => new[] { r[1]!.Value, r[2]!.Value, r[3]!.Value }).ToArray(), 315, ["a", "b", "noise"],
            _rows.Take(315).Select(r => r[5]!.Value).ToArray());
        using var booster = LightGbmTrainer.Train(train, null, LightGbmParameters.From(metrics.Parameters));
        Assert.Equal(booster.ModelText(), File.ReadAllText(_context.FullPath(outputs.Model)));

        Assert.Equal(ModelTask.Binary, metrics.Task);
        Assert.Equal("binary", metrics.TrainedObjective);
        Assert.Equal("true", metrics.Parameters["deterministic"]);
        Assert.Equal(20, metrics.Iterations);
        Assert.Equal(315, metrics.Rows.Train);
        Assert.Equal(80, metrics.Rows.Holdout);
        Assert.Equal(outputs.Score, metrics.Holdout["auc"]!.Value, 9);
    }

    [Theory]
    [InlineData(GbdtObjective.Quantile, "quantile")]
    [InlineData(GbdtObjective.Huber, "huber")]
    [InlineData(GbdtObjective.RegressionL1, "regression_l1")]
    public void Robust_regression_objectives_train_and_are_recorded_by_LightGBMs_name(GbdtObjective objective, string name)
    {
        var outputs = Run(Inputs(objective, "y", ("num_iterations", "30"), ("min_data_in_leaf", "10"), ("alpha", "0.9")));
        var metrics = TrainingMetrics.Load(_context.FullPath(outputs.Metrics));
        Assert.Equal(ModelTask.Regression, metrics.Task);
        Assert.Equal(name, metrics.TrainedObjective);
        var model = LightGbmModelReader.Load(_context.FullPath(outputs.Model));
        Assert.Equal(name, model.Objective.Name);
        // Even the 90% quantile explains part of the variance of y = 1 + 3a - 2b.
        Assert.True(metrics.Holdout["r2"] > 0, $"r2 {metrics.Holdout["r2"]}");
    }

    [Fact]
    public void A_quantile_model_at_alpha_0_9_lies_above_about_nine_labels_in_ten()
    {
        var outputs = Run(Inputs(GbdtObjective.Quantile, "y", ("num_iterations", "60"), ("min_data_in_leaf", "10"), ("alpha", "0.9")));
        var model = LightGbmModelReader.Load(_context.FullPath(outputs.Model));
        var below = _rows.Take(315).Count(r =>
        {
            var output = new double[1];
            model.Predict([r[1]!.Value, r[2]!.Value, r[3]!.Value], output);
            return r[4]!.Value <= output[0];
        });
        Assert.InRange(below / 315.0, 0.8, 0.97);
    }

    [Fact]
    public void Early_stopping_watches_the_latest_training_rows()
    {
        var outputs = Run(Inputs(GbdtObjective.Regression, "y", ("num_iterations", "2000"), ("learning_rate", "0.3"), ("min_data_in_leaf", "10"),
            ("early_stopping_round", "5")));
        var metrics = TrainingMetrics.Load(_context.FullPath(outputs.Metrics));
        Assert.Equal((int)Math.Ceiling(315 * 0.1), metrics.Rows.Validation);
        Assert.InRange(metrics.Iterations!.Value, 1, 1999);
        Assert.Equal(metrics.Iterations, LightGbmModelReader.Load(_context.FullPath(outputs.Model)).IterationCount);
    }

    [Fact]
    public void A_misspelt_parameter_is_refused_naming_the_parameter_meant()
    {
        var error = Assert.Throws<StepInputException>(() => Run(Inputs(GbdtObjective.Binary, "up", ("num_leafs", "31"))));
        Assert.Equal("params", error.Input);
        Assert.Equal("'num_leafs' is not a LightGBM parameter; did you mean 'num_leaves'?", error.Message);
    }

    [Fact]
    public void A_value_LightGBM_rejects_is_refused_with_LightGBMs_message()
    {
        var error = Assert.Throws<StepInputException>(() => Run(Inputs(GbdtObjective.Binary, "up", ("bagging_fraction", "1.5"))));
        Assert.Equal("params", error.Input);
        Assert.Contains("bagging_fraction", error.Message);
        var objective = Assert.Throws<StepInputException>(() => Run(Inputs(GbdtObjective.Binary, "up", ("objective", "regression"))));
        Assert.Contains("set by the step's objective input", objective.Message);
    }

    [Fact]
    public void A_constant_target_a_single_class_and_NaN_labels_are_refused_naming_the_value()
    {
        var constant = _rows.Select(r => r.Select((v, i) => i == 4 ? 2.5 : v).ToArray()).ToArray();
        var error = Assert.Throws<StepInputException>(() => Run(Inputs(GbdtObjective.Huber, "y") with { Input = LinearTables.Table(_context, constant) }));
        Assert.Equal("target", error.Input);
        Assert.Contains("'y' is 2.5 on every one of its 400 labelled rows", error.Message);

        var oneClass = _rows.Select(r => r.Select((v, i) => i == 5 ? 1.0 : v).ToArray()).ToArray();
        error = Assert.Throws<StepInputException>(() => Run(Inputs(GbdtObjective.Binary, "up") with { Input = LinearTables.Table(_context, oneClass) }));
        Assert.Equal("target", error.Input);
        Assert.Contains("exactly two label values in column 'up', found 1: 1", error.Message);

        error = Assert.Throws<StepInputException>(() => Run(Inputs(GbdtObjective.Regression, "y") with { Input = WithNaNLabel(LinearTables.Table(_context, _rows), 17) }));
        Assert.Equal("target", error.Input);
        Assert.Contains("in row 17", error.Message);
        Assert.Contains("NaN", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    // The test tables write NaN as an empty cell (a row to skip); a NaN the data really holds is put in with SQL.
    private Artifact WithNaNLabel(Artifact table, int row)
    {
        var staged = _context.StageArtifact("table", "parquet");
        using (var connection = new DuckDBConnection("Data Source=:memory:"))
        {
            connection.Open();
            using var copy = connection.CreateCommand();
            copy.CommandText = $"COPY (SELECT * REPLACE (CASE WHEN t = {row} THEN 'NaN'::DOUBLE ELSE y END AS y) FROM read_parquet('{_context.FullPath(table)}')) TO '{staged.Path}' (FORMAT parquet)";
            copy.ExecuteNonQuery();
        }
        return _context.CommitArtifact(staged);
    }

    [Fact]
    public void Multiclass_gets_one_output_per_class_from_the_labels()
    {
        var classes = _rows.Select(r => r.Select((v, i) => i == 5 ? Math.Floor(r[2]!.Value) : v).ToArray()).ToArray();
        var outputs = Run(Inputs(GbdtObjective.Multiclass, "up") with { Input = LinearTables.Table(_context, classes) });
        var metrics = TrainingMetrics.Load(_context.FullPath(outputs.Metrics));
        Assert.Equal(["0.0", "1.0", "2.0", "3.0"], metrics.Classes);
        Assert.Equal("4", metrics.Parameters["num_class"]);
        Assert.Equal(4, LightGbmModelReader.Load(_context.FullPath(outputs.Model)).TreesPerIteration);
        Assert.Equal(outputs.Score, metrics.Holdout["accuracy"]!.Value, 9);
        Assert.True(double.Parse(metrics.Parameters["num_iterations"], CultureInfo.InvariantCulture) == 20);
    }
}
