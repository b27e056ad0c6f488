using Pipelines.Abstractions;

namespace Pipelines.Steps.Ingest;

public sealed record BookSnapshotsInputs
{
    [Input("Directory in the workspace holding the segments (<root>/<SYMBOL>/<yyyyMMddHH>/): ingest/binance-book's root or ingest/synthetic-book's path output.",
        Example = "data/book")]
    public string Root { get; init; } = "data/book";

    [Input("Symbol whose segments are read, e.g. BTCUSDT.", Example = "BTCUSDT")]
    public string Symbol { get; init; } = "BTCUSDT";

    [Input("'trade' for a row at every trade, or a row at the end of every interval of this much exchange time (e.g. 1s, 100ms; at least 1ms) with the interval's trades as a bar.",
        Example = "1s")]
    public string Every { get; init; } = "trade";

    [Input("First time to include (ISO 8601, UTC unless an offset is given); the whole recording when empty.", Example = "2026-03-01T00:00:00Z")]
    public string? Start { get; init; }

    [Input("End of the rows (ISO 8601), exclusive.", Example = "2026-03-02T00:00:00Z")]
    public string? End { get; init; }
}
