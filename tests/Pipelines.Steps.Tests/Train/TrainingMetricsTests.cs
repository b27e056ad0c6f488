using System.Text.Json.Nodes;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Tests.Train;

public sealed class TrainingMetricsTests
{
    private static readonly TrainingMetrics Example = new()
    {
        Task = ModelTask.Multiclass,
        ModelType = "gbdt",
        TrainedObjective = "multiclassova",
        Target = "regime",
        Classes = ["calm", "toxic", "trend"],
        Features = ["ret_1", "std_30"],
        Rows = new TrainingRowCounts { Train = 800, Validation = 80, Gap = 30, Holdout = 200, Dropped = 12 },
        TrainingDataSha256 = new string('a', 64),
        ModelSha256 = new string('b', 64),
        Parameters = new Dictionary<string, string> { ["num_leaves"] = "31", ["deterministic"] = "true" },
        Iterations = 57,
        Holdout = new Dictionary<string, double?> { ["accuracy"] = 0.61, ["macro_f1"] = 0.5, ["logloss"] = null },
        WalkForward = new WalkForwardMetrics
        {
            Folds = 2,
            Mean = new Dictionary<string, double?> { ["accuracy"] = 0.6 },
            PerFold = [new Dictionary<string, double?> { ["accuracy"] = 0.55 }, new Dictionary<string, double?> { ["accuracy"] = 0.65 }],
        },
    };

    [Fact]
    public void Metrics_are_written_under_the_names_gates_and_reports_read_and_read_back_alike()
    {
        var json = Example.ToJson();
        var node = JsonNode.Parse(json)!;
        Assert.Equal("multiclass", (string?)node["objective"]);
        Assert.Equal(new string('a', 64), (string?)node["training_data_sha256"]);
        Assert.Equal(0.61, (double)node["holdout"]!["accuracy"]!);
        Assert.Null(node["holdout"]!["logloss"]);
        Assert.Equal(0.6, (double)node["walk_forward"]!["mean"]!["accuracy"]!);
        Assert.Equal(80, (int)node["rows"]!["validation"]!);
        Assert.Null(node["tuning"]);

        var back = TrainingMetrics.Parse(json);
        Assert.Equal(json, back.ToJson());
        Assert.Equal(["calm", "toxic", "trend"], back.Classes);
        Assert.Equal(0.65, back.WalkForward!.PerFold[1]["accuracy"]);
    }

    [Fact]
    public void Metrics_of_another_kind_are_told_apart_from_a_train_steps()
    {
        Assert.Null(TrainingMetrics.TryParse("""{ "sharpe": 1.2, "max_drawdown": 0.1 }"""));
        Assert.Null(TrainingMetrics.TryParse("not json"));
        Assert.Null(TrainingMetrics.TryParse(null));
        Assert.NotNull(TrainingMetrics.TryParse(Example.ToJson()));
    }

    [Fact]
    public void Stored_values_are_rounded_and_undefined_ones_are_null()
    {
        var stored = TrainingMetrics.Stored(new Dictionary<string, double> { ["auc"] = 0.123456789012345, ["r2"] = double.NaN });
        Assert.Equal(0.123456789, stored["auc"]!.Value, 12);
        Assert.Null(stored["r2"]);
    }

    [Fact]
    public void Metrics_written_by_the_earlier_trainer_are_still_read()
    {
        // The shape train/gbdt wrote before LightGBM trained: parameters and best parameters as JSON numbers.
        var earlier = """
            {
              "objective": "multiclass", "target": "regime_next", "classes": ["HIGH", "LOW", "MID"], "features": ["ret_1", "std_30"],
              "rows": { "train": 10000, "gap": 30, "holdout": 2500, "dropped_unlabelled": 30 },
              "training_data_sha256": "aa", "model_sha256": "bb",
              "parameters": { "objective": "multiclass", "num_leaves": 31, "learning_rate": 0.05, "boost_from_average": true },
              "trees": 300,
              "holdout": { "accuracy": 0.7, "macro_f1": 0.6, "logloss": 0.8 },
              "tuning": { "metric": "logloss", "direction": "minimize", "best_score": 0.8, "best_params": { "num_leaves": 15 }, "trials": 20, "trials_sha256": "cc" }
            }
            """;
        var metrics = TrainingMetrics.TryParse(earlier);
        Assert.NotNull(metrics);
        Assert.Equal(ModelTask.Multiclass, metrics.Task);
        Assert.Equal(["HIGH", "LOW", "MID"], metrics.Classes);
        Assert.Equal("31", metrics.Parameters["num_leaves"]);
        Assert.Equal("0.05", metrics.Parameters["learning_rate"]);
        Assert.Equal("true", metrics.Parameters["boost_from_average"]);
        Assert.Equal("15", metrics.Tuning!.BestParams["num_leaves"]);
        Assert.Null(metrics.ModelType);
        Assert.Equal(0.7, metrics.Holdout["accuracy"]);
    }
}
