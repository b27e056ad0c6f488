using Pipelines.Abstractions;

namespace Pipelines.Steps.Ingest;

public sealed record BinanceBookInputs
{
    [Input("Symbol to record, e.g. BTCUSDT.", Example = "BTCUSDT")]
    public required string Symbol { get; init; }

    [Input("How long to record, e.g. 10m or 24h; forever records until the service stops (only under pipelines serve).", Example = "10m")]
    public required string Duration { get; init; }

    [Input("Directory of the recording, relative to the workspace; segments go to <root>/<SYMBOL>/<yyyyMMddHH>/.")]
    public string Root { get; init; } = "data/book";

    [Input("WebSocket base URL of the combined stream.")]
    public string BaseUrl { get; init; } = "wss://stream.binance.com:9443";

    [Input("REST base URL the depth snapshots come from.")]
    public string RestUrl { get; init; } = "https://api.binance.com";

    [Input("Levels per side asked of each depth snapshot (1 to 5000).")]
    public int SnapshotLimit { get; init; } = 1000;

    [Input("Also record aggregate trades (<symbol>@aggTrade).")]
    public bool Trades { get; init; } = true;

    [Input("Also record the best bid and ask between depth events (<symbol>@bookTicker).")]
    public bool BookTicker { get; init; } = true;

    [Input("Wait before reconnecting, or restarting the recorder after a failure; doubled on each further failure, with jitter.", Example = "1s")]
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    [Input("Longest wait between reconnects or restarts.", Example = "1m")]
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(1);
}
