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
}
