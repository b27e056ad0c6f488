using Pipelines.Abstractions;
using Pipelines.Learning.LightGbm;

namespace Pipelines.Steps.Train.Ensemble;

/// <summary>
/// Checks train/ensemble's meta_params keys when the pipeline is validated: LightGBM's names and aliases, as
/// train/gbdt's params, except those the step sets from the members (the objective and the class count).
/// </summary>
public sealed class GbdtMetaParameterKeys : IInputKeyCheck
{
    public string? Problem(string key)
    {
        if (!LightGbmParameterNames.IsAvailable) return null;
        return LightGbmParameterNames.Canonical(key.Trim()) switch
        {
            "objective" => $"'{key}' is set by the step from what the members predict (binary, multiclass or regression)",
            "num_class" => $"'{key}' is set by the step from the members' classes",
            null => LightGbmParameterNames.Problem(key.Trim()),
            _ => null,
        };
    }
}
