namespace Pipelines.Steps.Train;

/// <summary>
/// The metadata an ONNX model that is not a tree ensemble carries so ONNX Runtime can score it with no other file:
/// which graph output holds the predictions and what they mean (the task). Feature names are under the
/// tree exporter's "feature_names" key.
/// </summary>
public static class OnnxScoringContract
{
    /// <summary>The graph output the predictions are read from.</summary>
    public const string OutputKey = "pipelines.output";

    /// <summary>
    /// binary (the output is the probability of class 1), multiclass (one probability per class), regression (the
    /// value) or clustering (one distance per cluster; the prediction is the nearest cluster's index).
    /// </summary>
    public const string TaskKey = "pipelines.task";

    /// <summary>
    /// What an imported model's output means, as registry/import declared it: probabilities, regression or action (a
    /// vector of action values, one per named action, read as they are). Absent for models trained here.
    /// </summary>
    public const string MeaningKey = "pipelines.output_meaning";

    /// <summary>The class names of a probabilities output, comma-separated, in the output's column order.</summary>
    public const string ClassesKey = "pipelines.classes";

    /// <summary>The names of an action vector's components, comma-separated, in the output's column order.</summary>
    public const string ActionsKey = "pipelines.actions";

    /// <summary>The meaning an action-vector output is declared with.</summary>
    public const string ActionMeaning = "action";

    public static string TaskName(ModelTask task) => task.ToString().ToLowerInvariant();

    public static ModelTask? ParseTask(string? name) =>
        Enum.TryParse<ModelTask>(name, ignoreCase: true, out var task) && Enum.IsDefined(task) ? task : null;
}
