using Pipelines.Abstractions;

namespace Pipelines.Engine.Settings;

public sealed record EngineSettings
{
    [Input("Most steps run at once; 0 means one per processor core.")]
    public int MaxParallelism { get; init; }

    [Input("Timeout for steps that declare none.")]
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromHours(1);

    [Input("Largest pipeline file accepted, in bytes.")]
    public int MaxFileBytes { get; init; } = 1 << 20;
}
