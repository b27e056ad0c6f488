using Pipelines.Abstractions;
using Pipelines.Steps.Features;

namespace Pipelines.Steps.Inference;

public sealed record TickInferenceInputs
{
    [Input("Registered model name.", Example = "flow")]
    public required string Model { get; init; }

    [Input("Alias (or version number) whose model scores the ticks; a new version behind the alias is swapped in while the loop runs.")]
    public string Alias { get; init; } = "champion";

    [Input("Features by compact name, as in featurize/market, computed per trade; the model must read exactly these, in this order. Ticks offer the columns price, quantity, buy_volume, sell_volume and, as a one-trade bar, open, high, low, close and volume.",
        Example = "[ret_1, std_30, trade_flow_imbalance_20]")]
    public IReadOnlyList<string> Features { get; init; } = [];

    [Input("Features in explicit form, computed after the named ones.")]
    public IReadOnlyList<FeatureSpec> Define { get; init; } = [];

    [Input("Where ticks come from: synthetic (trades generated from one-minute bars), replay (Binance aggTrades dump files), websocket (the live <symbol>@aggTrade stream) or segments (the trades of the order-book segments under book).")]
    public string Source { get; init; } = "synthetic";

    [Input("Directory in the workspace holding order-book segments (<book>/<SYMBOL>/<yyyyMMddHH>/, recorded by ingest/binance-book or written by ingest/synthetic-book). A local order book replayed from them is kept current beside the trades, merged in exchange-time order, and its columns (bid_price, ask_price, bid_qty, ask_qty, bid_depth, ask_depth, bid/ask_price_1..20, bid/ask_qty_1..20) join the tick columns, so book features can be named. Without it, a model reading book features is refused.",
        Example = "data/book")]
    public string? Book { get; init; }

    [Input("Source files in the workspace: the one-minute bar CSV for synthetic, aggTrades dumps (zip or csv) for replay.", Example = "[samples/btcusdt-1m-2023-03-01-to-21.csv]")]
    public IReadOnlyList<WorkspacePath> Files { get; init; } = [];

    [Input("Symbol, for sources that need one; the book's segments are read for this symbol (BTCUSDT when empty).")]
    public string? Symbol { get; init; }

    [Input("WebSocket base URL for the websocket source; Binance's stream endpoint when empty.", Example = "wss://stream.binance.com:9443")]
    public string? BaseUrl { get; init; }

    [Input("REST base URL the websocket source backfills trade-id gaps from; gaps are only counted when empty.", Example = "https://api.binance.com")]
    public string? RestUrl { get; init; }

    [Input("Replay pacing: fast (as fast as possible) or recorded (at the recorded timestamps).")]
    public string Pacing { get; init; } = "fast";

    [Input("Trades generated per one-minute bar by the synthetic source.")]
    public int TradesPerBar { get; init; } = 32;

    [Input("Seed of the synthetic source.")]
    public int Seed { get; init; } = 1;

    [Input("Ticks to read before stopping; give this, duration, or both.")]
    public long? MaxTicks { get; init; }

    [Input("Wall time after which the loop stops; give this, max_ticks, or both.", Example = "30s")]
    public TimeSpan? Duration { get; init; }

    [Input("Explain every N-th decision with its TreeSHAP top 10, off the hot thread; 0 for none.")]
    public int ShapEvery { get; init; } = 1000;

    [Input("Also explain every decision whose score is at least this.")]
    public double? ShapFlagThreshold { get; init; }

    [Input("Slots of the bounded queue between the hot thread and the decision writer (a power of two). The default holds about half a second at 500,000 ticks/s, longer than DuckDB takes to write a row group of decisions.")]
    public int QueueCapacity { get; init; } = 262144;

    [Input("ADWIN confidence δ of each feature's drift monitor.")]
    public double AdwinDelta { get; init; } = 0.002;

    [Input("After a feature's drift event, its further ADWIN cuts within this many ticks are counted, not recorded.")]
    public long DriftCooldownTicks { get; init; } = 10_000;

    [Input("How often the registry alias is checked for a new model.", Example = "1s")]
    public TimeSpan SwapPoll { get; init; } = TimeSpan.FromSeconds(1);
}
