using Pipelines.Abstractions;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Train;
using Pipelines.Steps.Validate;

namespace Pipelines.Steps.Tests.Validate;

public sealed class GatePerGroupTests : IDisposable
{
    private readonly TestStepContext _context = new();
    private readonly Artifact _data;
    private readonly Artifact _holdout;
    private readonly Artifact _metrics;

    // Holdout rows by regime and how many of them the candidate got right: LOW 36 of 40 (0.9), MID 28 of 40 (0.7),
    // HIGH 16 of 40 (0.4), and a CRASH regime of 5 rows, all wrong. Overall 80 of 125 = 0.64.
    private static readonly (string Regime, int Rows, int Right)[] Groups = [("LOW", 40, 36), ("MID", 40, 28), ("HIGH", 40, 16), ("CRASH", 5, 0)];

    public GatePerGroupTests()
    {
        var regimes = Groups.SelectMany(g => Enumerable.Repeat(g.Regime, g.Rows)).ToList();
        var right = Groups.SelectMany(g => Enumerable.Range(0, g.Rows).Select(i => i < g.Right)).ToList();
        using var connection = ParquetTableWriter.OpenScratch();
        var values = string.Join(", ", regimes.Select((r, i) => $"({i}, '{r}', 1)"));
        var staged = _context.StageArtifact("table", "parquet");
        connection.Execute($"COPY (SELECT * FROM (VALUES {values}) t(x, regime, up)) TO '{staged.Path}' (FORMAT parquet)");
        _data = _context.CommitArtifact(staged);
        // Every label is 1; a right answer predicts 0.9, a wrong one 0.1.
        _holdout = TableFiles.Parquet(_context, ["source_row", "label", "prediction"], right.Select((ok, i) => new double?[] { i, 1, ok ? 0.9 : 0.1 }));
        var metrics = new TrainingMetrics
        {
            Task = ModelTask.Binary, Target = "up", Classes = ["0", "1"], Features = ["x"],
            Rows = new TrainingRowCounts { Train = 500, Gap = 0, Holdout = 125, Dropped = 0 },
            TrainingDataSha256 = _data.Sha256, ModelSha256 = new string('0', 64), Parameters = new Dictionary<string, string>(),
            Holdout = new Dictionary<string, double?> { ["accuracy"] = 80 / 125.0 },
        };
        var file = _context.StageArtifact("metrics", "json");
        File.WriteAllText(file.Path, metrics.ToJson());
        _metrics = _context.CommitArtifact(file);
    }

    public void Dispose() => _context.Dispose();

    private GateOutputs Gate(params GateRequirement[] require) => new GateStep().ExecuteAsync(new GateInputs
    {
        Metrics = _metrics, Holdout = _holdout, Data = _data, Require = require,
    }, _context, default).GetAwaiter().GetResult();

    [Fact]
    public void A_model_fine_on_average_fails_in_the_regime_where_it_is_not_and_the_gate_names_that_regime()
    {
        var outputs = Gate(
            new GateRequirement { Metric = "accuracy", Min = 0.45 },
            new GateRequirement { Metric = "accuracy", Min = 0.45, By = "regime" });

        Assert.False(outputs.Passed);
        Assert.Equal(
        [
            "accuracy = 0.64 meets >= 0.45",
            "accuracy [regime = CRASH]: 5 holdout rows, fewer than min_rows 30 — not judged",
            "accuracy [regime = HIGH] = 0.4 FAILS >= 0.45 (40 holdout rows)",
            "accuracy [regime = LOW] = 0.9 meets >= 0.45 (40 holdout rows)",
            "accuracy [regime = MID] = 0.7 meets >= 0.45 (40 holdout rows)",
        ], outputs.Reasons);

        var report = GateReport.FromJson(File.ReadAllText(_context.FullPath(outputs.Report)));
        var high = Assert.Single(report.Requirements, r => r.Group == "HIGH");
        Assert.Equal(("regime", 40, 0.4, false), (high.By, high.Rows, high.Value, high.Passed));
    }

    [Fact]
    public void Every_regime_above_the_bound_passes()
    {
        Assert.True(Gate(new GateRequirement { Metric = "accuracy", Min = 0.35, By = "regime" }).Passed);
    }

    [Fact]
    public void A_small_group_is_judged_once_min_rows_allows_it()
    {
        var outputs = Gate(new GateRequirement { Metric = "accuracy", Min = 0.35, By = "regime", MinRows = 5 });

        Assert.False(outputs.Passed);
        Assert.Contains("accuracy [regime = CRASH] = 0 FAILS >= 0.35 (5 holdout rows)", outputs.Reasons);
    }

    [Fact]
    public void Grouping_by_a_column_the_table_lacks_is_refused_naming_it()
    {
        var error = Assert.Throws<StepInputException>(() => Gate(new GateRequirement { Metric = "accuracy", Min = 0.45, By = "regime_next" }));

        Assert.Equal("require[0].by", error.Input);
        Assert.Contains("'regime_next' is not in the training table", error.Message);
        Assert.Equal("require[0].metric", Assert.Throws<StepInputException>(() => Gate(new GateRequirement { Metric = "rmse", Max = 1, By = "regime" })).Input);
        Assert.Equal("require[0].by", Assert.Throws<StepInputException>(() => Gate(new GateRequirement { Metric = "logloss", Beats = "champion", Model = "m", By = "regime" })).Input);
    }
}
