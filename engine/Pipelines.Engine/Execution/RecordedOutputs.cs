using System.Text.Json;

namespace Pipelines.Engine.Execution;

/// <summary>
/// Reads a step's outputs as recorded by an earlier run. A record written when the step's output type had a different
/// shape (a field added or renamed without a version bump) cannot be trusted, so it counts as absent: the step runs
/// again instead of the whole run failing on an old cache entry.
/// </summary>
internal static class RecordedOutputs
{
    public static object? TryRead(string? json, Type outputType)
    {
        if (json is null) return null;
        try
        {
            return JsonSerializer.Deserialize(json, outputType, CacheKey.Json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }
}
