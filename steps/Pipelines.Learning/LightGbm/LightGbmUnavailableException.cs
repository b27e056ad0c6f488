using System.Runtime.InteropServices;

namespace Pipelines.Learning.LightGbm;

/// <summary>
/// LightGBM's native library is not there for this platform: training cannot run, while reading, scoring,
/// explaining and exporting model.txt files (all our own code) still work.
/// </summary>
public sealed class LightGbmUnavailableException(string message, Exception inner) : Exception(message, inner)
{
    internal static LightGbmUnavailableException ForThisPlatform(Exception inner) => new(
        $"LightGBM's native library (lib_lightgbm) is missing for this platform ({RuntimeInformation.RuntimeIdentifier}); the LightGBM package " +
        "ships it for linux-x64, osx-x64 and win-x64 only. Training gradient-boosted trees needs it; scoring, SHAP and export of model.txt do not.",
        inner);
}
