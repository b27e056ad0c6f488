using Pipelines.Abstractions;

namespace Pipelines.Engine.Settings;

public sealed record LoggingSettings
{
    [Input("Least severe event written.")]
    public LogLevel Level { get; init; } = LogLevel.Information;

    [Input("Write structured events to the console (besides the progress display).")]
    public bool Console { get; init; }

    [Input("Write one JSON log file per run under the store's logs/ directory.")]
    public bool JsonFile { get; init; } = true;
}
