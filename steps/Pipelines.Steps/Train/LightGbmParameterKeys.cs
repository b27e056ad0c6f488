using Pipelines.Abstractions;
using Pipelines.Learning.LightGbm;

namespace Pipelines.Steps.Train;

/// <summary>
/// Checks train/gbdt's params keys when the pipeline is validated: each must be a LightGBM parameter or alias
/// (LightGBM itself would only warn and train with the default), and not one the step sets itself.
/// </summary>
public sealed class LightGbmParameterKeys : IInputKeyCheck
{
    public string? Problem(string key)
    {
        // Without the native library the names cannot be checked here; training then says the library is missing.
        if (!LightGbmParameterNames.IsAvailable) return null;
        return LightGbmParameterNames.Canonical(key.Trim()) switch
        {
            "objective" => $"'{key}' is set by the step's objective input",
            "num_class" => $"'{key}' is set by the step from the target's classes",
            null => LightGbmParameterNames.Problem(key.Trim()),
            _ => null,
        };
    }
}
