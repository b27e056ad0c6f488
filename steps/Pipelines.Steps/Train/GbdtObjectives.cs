namespace Pipelines.Steps.Train;

/// <summary>How each LightGBM objective is named to LightGBM and what task its model serves.</summary>
public static class GbdtObjectives
{
    public static ModelTask Task(this GbdtObjective objective) => objective switch
    {
        GbdtObjective.Binary => ModelTask.Binary,
        GbdtObjective.Multiclass or GbdtObjective.Multiclassova => ModelTask.Multiclass,
        // cross_entropy learns a probability from labels anywhere in [0, 1], so it is scored as a regression of them.
        _ => ModelTask.Regression,
    };

    /// <summary>LightGBM's name of the objective, e.g. regression_l1, cross_entropy.</summary>
    public static string LightGbmName(this GbdtObjective objective) => objective switch
    {
        GbdtObjective.RegressionL1 => "regression_l1",
        GbdtObjective.CrossEntropy => "cross_entropy",
        GbdtObjective.CrossEntropyLambda => "cross_entropy_lambda",
        _ => objective.ToString().ToLowerInvariant(),
    };
}
