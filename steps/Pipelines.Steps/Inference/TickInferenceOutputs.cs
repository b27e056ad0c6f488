using Pipelines.Abstractions;

namespace Pipelines.Steps.Inference;

public sealed record TickInferenceOutputs
{
    [Output("Ticks read from the source.")]
    public required long Ticks { get; init; }

    [Output("Decisions made, each stored in the decisions table.")]
    public required long Decisions { get; init; }

    [Output("Ticks skipped, by reason (non_finite_price, non_positive_price, non_finite_quantity, non_positive_quantity, duplicate_trade_id, out_of_order_trade_id).")]
    public required IReadOnlyDictionary<string, long> Rejected { get; init; }

    [Output("New model versions swapped in while the loop ran.")]
    public required int ModelSwaps { get; init; }

    [Output("Model versions that made decisions, in the order they took over.")]
    public required IReadOnlyList<int> ModelVersions { get; init; }

    [Output("Versions the alias moved to that were passed over (features differ, or the file would not load).")]
    public required int ModelsRefused { get; init; }

    [Output("ADWIN changes recorded as drift events.")]
    public required long DriftEvents { get; init; }

    [Output("Decisions explained (TreeSHAP top 10 stored).")]
    public required long Explanations { get; init; }

    [Output("Sampled or flagged decisions left unexplained because the explainer was behind.")]
    public required long ExplanationsSkipped { get; init; }

    [Output("Times the hot thread waited for the decision writer.")]
    public required long QueueStalls { get; init; }

    [Output("Median per-tick latency in microseconds (features, prediction, drift update, hand-off).")]
    public required double LatencyP50Us { get; init; }

    [Output("99th percentile per-tick latency in microseconds.")]
    public required double LatencyP99Us { get; init; }

    [Output("Ticks per second of the hot loop.")]
    public required double TicksPerSecond { get; init; }

    [Output("What the source itself counted: reconnects, gaps, missing_trades, backfilled_trades, malformed.")]
    public required IReadOnlyDictionary<string, long> SourceEvents { get; init; }

    [Output("Order-book events (depth diffs and snapshots) merged in before the trades; 0 without a book.")]
    public long BookEvents { get; init; }

    [Output("Trades and book events handled per second by the hot loop.")]
    public double EventsPerSecond { get; init; }
}
