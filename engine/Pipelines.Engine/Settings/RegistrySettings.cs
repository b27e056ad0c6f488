using Pipelines.Abstractions;

namespace Pipelines.Engine.Settings;

public sealed record RegistrySettings
{
    [Input("Versions kept per model; older versions with no alias are pruned (their audit rows stay).")]
    public int MaxVersions { get; init; } = 20;
}
