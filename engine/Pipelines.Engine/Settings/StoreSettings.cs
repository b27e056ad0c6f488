using Pipelines.Abstractions;

namespace Pipelines.Engine.Settings;

public sealed record StoreSettings
{
    [Input("Directory holding the DuckDB database, the content-addressed artifacts and the logs, relative to the workspace.")]
    public string Path { get; init; } = ".pipelines";

    [Input("How long a run waits for another process to release the store before giving up.")]
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
