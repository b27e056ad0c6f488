using Pipelines.Abstractions;

namespace Pipelines.Steps.Book;

public sealed record BookSnapshotsInputs
{
    [Input("Directory in the workspace holding the segments (<path>/<SYMBOL>/<yyyyMMddHH>/), e.g. ingest/synthetic-book's path output.", Example = "data/book")]
    public required string Path { get; init; }

    [Input("Symbol whose segments are read.")]
    public string Symbol { get; init; } = "BTCUSDT";

    [Input("A snapshot row at every trade when empty; else one at the end of every interval of this length, with the interval's trades as a bar.", Example = "1s")]
    public TimeSpan? Interval { get; init; }
}
