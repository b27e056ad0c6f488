using Pipelines.Abstractions;

namespace Pipelines.Steps.Ingest;

public sealed record BookSnapshotsInputs
{
    [Input("Symbol of the recording, e.g. BTCUSDT.", Example = "BTCUSDT")]
    public required string Symbol { get; init; }

    [Input("Directory of the recording, relative to the workspace, as given to ingest/binance-book.")]
    public string Root { get; init; } = "data/book";

    [Input("A row every this much exchange time (e.g. 1s, 100ms), or 'trade' for a row at every trade.", Example = "1s")]
    public string Every { get; init; } = "1s";

    [Input("Level counts N for the bid_depth_N and ask_depth_N columns (summed quantity of the best N levels); bid_depth and ask_depth repeat the first.",
        Example = "[1, 5, 20]")]
    public IReadOnlyList<int> Depths { get; init; } = [5];

    [Input("First time to include (ISO 8601, UTC unless an offset is given); the whole recording when empty.", Example = "2026-03-01T00:00:00Z")]
    public string? Start { get; init; }

    [Input("End of the rows (ISO 8601), exclusive.", Example = "2026-03-02T00:00:00Z")]
    public string? End { get; init; }
}
