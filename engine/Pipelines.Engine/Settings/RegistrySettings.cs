using Pipelines.Abstractions;

namespace Pipelines.Engine.Settings;

public sealed record RegistrySettings
{
    [Input("Versions kept per model; older versions with no alias are pruned (their audit rows stay). Kept for older files: retention.max_versions is its place now, beside the rest of the retention policy.")]
    public int MaxVersions { get; init; } = RetentionSettings.DefaultMaxVersions;
}
