using Pipelines.Abstractions;

namespace Pipelines.Steps.Ingest;

/// <summary>What a recording of the Binance order book wrote and counted.</summary>
public sealed record BinanceBookOutputs
{
    [Output("The segment directories written, relative to the workspace, oldest first.")]
    public required IReadOnlyList<string> Segments { get; init; }

    [Output("Depth events, book tickers and trades recorded.")]
    public required long Events { get; init; }

    [Output("Depth events recorded.")]
    public required long DepthEvents { get; init; }

    [Output("Depth snapshots the book was loaded from.")]
    public required long Snapshots { get; init; }

    [Output("Depth events whose first update id was not the previous final id + 1, each followed by a resync.")]
    public required long Gaps { get; init; }

    [Output("Times the book was brought back in sync after having been in sync.")]
    public required long Resyncs { get; init; }

    [Output("Messages that could not be read, skipped.")]
    public required long Malformed { get; init; }

    [Output("Times the recorder failed and was restarted.")]
    public required int Restarts { get; init; }

    [Output("Report (JSON): the totals and each segment's quality.json.")]
    public required Artifact Quality { get; init; }
}
