using Pipelines.Abstractions;

namespace Pipelines.Steps.Book;

public sealed record SyntheticBookOutputs
{
    [Output("The directory the segments were written under, relative to the workspace (as given in out).")]
    public required string Path { get; init; }

    [Output("Hourly segments written.")]
    public required int Segments { get; init; }

    [Output("Depth diff events written.")]
    public required long DepthEvents { get; init; }

    [Output("Changed levels over all depth events.")]
    public required long ChangedLevels { get; init; }

    [Output("Trades written.")]
    public required long Trades { get; init; }
}
