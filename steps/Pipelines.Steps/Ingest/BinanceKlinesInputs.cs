using Pipelines.Abstractions;

namespace Pipelines.Steps.Ingest;

public sealed record BinanceKlinesInputs
{
    [Input("A kline file in the workspace: a Binance dump (12 columns, zip or CSV) or an OHLCV CSV with a header. Give either this or symbol.",
        Example = "samples/btcusdt-1m-2023-03-01-to-21.csv")]
    public WorkspacePath? Path { get; init; }

    [Input("Symbol to download from the REST API, e.g. BTCUSDT. Give either this or path.", Example = "BTCUSDT")]
    public string? Symbol { get; init; }

    [Input("Bar length (1s, 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, 1d, 3d, 1w). Required with symbol; with path, the spacing gaps are measured against (default: the most common one).",
        Example = "1m")]
    public string? Interval { get; init; }

    [Input("First open time to download (ISO 8601, UTC unless an offset is given), inclusive. Required with symbol.", Example = "2023-03-01T00:00:00Z")]
    public string? Start { get; init; }

    [Input("End of the download (ISO 8601), exclusive. Required with symbol.", Example = "2023-03-02T00:00:00Z")]
    public string? End { get; init; }

    [Input("REST API root.")]
    public string BaseUrl { get; init; } = "https://api.binance.com";

    [Input("Request weight allowed per minute; the download pauses for the next minute near 90% of it.")]
    public int WeightBudget { get; init; } = 1200;

    [Input("How many gaps the quality report lists (all are counted).")]
    public int GapsListed { get; init; } = 20;
}
