using Pipelines.Abstractions;

namespace Pipelines.Steps.Inference;

public sealed record SyntheticTicksInputs
{
    [Input("One-minute bar CSV in the workspace (open_time, open, high, low, close, volume[, taker_buy_base]).", Example = "samples/btcusdt-1m-2023-03-01-to-21.csv")]
    public required WorkspacePath Path { get; init; }

    [Input("Ticks to generate.")]
    public required long Ticks { get; init; }

    [Input("Trades generated per one-minute bar.")]
    public int TradesPerBar { get; init; } = 32;

    [Input("Seed of the generator; inference/tick's synthetic source with the same bars, trades per bar and seed streams the same ticks.")]
    public int Seed { get; init; } = 1;
}
