using Pipelines.Abstractions;

namespace Pipelines.Steps.Ingest;

public sealed record BinanceTradesInputs
{
    [Input("An aggTrades dump in the workspace (7 or 8 columns, zip or CSV). Give either this or symbol.",
        Example = "data/BTCUSDT-aggTrades-2025-01-01.zip")]
    public WorkspacePath? Path { get; init; }

    [Input("Symbol to download from the REST API, e.g. BTCUSDT. Give either this or path.", Example = "BTCUSDT")]
    public string? Symbol { get; init; }

    [Input("First trade time to download (ISO 8601, UTC unless an offset is given), inclusive. Required with symbol.", Example = "2023-03-01T00:00:00Z")]
    public string? Start { get; init; }

    [Input("End of the download (ISO 8601), exclusive. Required with symbol.", Example = "2023-03-01T01:00:00Z")]
    public string? End { get; init; }

    [Input("REST API root.")]
    public string BaseUrl { get; init; } = "https://api.binance.com";

    [Input("Request weight allowed per minute; the download pauses for the next minute near 90% of it.")]
    public int WeightBudget { get; init; } = 1200;

    [Input("How many gaps in the trade id sequence the quality report lists (all are counted).")]
    public int GapsListed { get; init; } = 20;
}
