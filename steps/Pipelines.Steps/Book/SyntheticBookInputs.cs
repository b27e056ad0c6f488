using Pipelines.Abstractions;

namespace Pipelines.Steps.Book;

public sealed record SyntheticBookInputs
{
    [Input("One-minute bar CSV in the workspace the book is derived from.", Example = "samples/btcusdt-1m-2023-03-01-to-21.csv")]
    public required WorkspacePath Bars { get; init; }

    [Input("Directory in the workspace the segments are written under (<out>/<SYMBOL>/<yyyyMMddHH>/); earlier segments of the symbol there are replaced.", Example = "data/book")]
    public required string Out { get; init; }

    [Input("Symbol the segments are filed under.")]
    public string Symbol { get; init; } = "BTCUSDT";

    [Input("Seed of the generator: the same bars, options and seed give the same segments.")]
    public int Seed { get; init; } = 1;

    [Input("Bars used from the start of the file; all when empty.")]
    public int? MaxBars { get; init; }

    [Input("Depth diff events per one-minute bar.")]
    public int EventsPerBar { get; init; } = 12;

    [Input("Trades per one-minute bar.")]
    public int TradesPerBar { get; init; } = 16;

    [Input("Price levels kept per side.")]
    public int Levels { get; init; } = 200;

    [Input("Distance between neighbouring levels in basis points of the first close (rounded to whole cents).")]
    public double LevelSpacingBps { get; init; } = 0.25;

    [Input("How strongly the top five levels lean towards the side the mid moves to next (0: a book with no signal).")]
    public double Lean { get; init; } = 0.5;
}
