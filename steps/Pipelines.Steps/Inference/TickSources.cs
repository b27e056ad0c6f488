using Pipelines.Abstractions;
using Pipelines.Steps.Ticks;
using Serilog;

namespace Pipelines.Steps.Inference;

/// <summary>Tick sources by the name a pipeline gives in <c>source</c>; one case per source.</summary>
public static class TickSources
{
    public static IReadOnlyList<string> Known { get; } = ["synthetic", "replay", "websocket", "segments"];

    /// <exception cref="StepInputException">The name is unknown or the options do not suit the source.</exception>
    public static ITickSource Create(string name, TickSourceOptions options, ILogger? log = null) => name switch
    {
        "synthetic" => Synthetic(options),
        "replay" => Replay(options),
        "websocket" => WebSocket(options, log),
        "segments" => new Book.BookSegmentTradeSource(
            options.Book ?? throw new StepInputException("book", "the segments source replays the trades of order-book segments; give book: (their directory)"),
            ParsePacing(options.Pacing)),
        _ => throw new StepInputException("source", $"unknown tick source '{name}'; known sources: {string.Join(", ", Known)}"),
    };

    private static SyntheticTickSource Synthetic(TickSourceOptions options)
    {
        if (options.Files.Count != 1)
            throw new StepInputException("files", $"the synthetic source derives trades from one one-minute bar CSV; {options.Files.Count} file(s) given");
        if (options.TradesPerBar < 4) throw new StepInputException("trades_per_bar", $"must be at least 4, got {options.TradesPerBar}");
        try
        {
            return SyntheticTickSource.FromCsv(options.Files[0], options.TradesPerBar, options.Seed);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            throw new StepInputException("files", e.Message);
        }
    }

    private static AggTradeReplaySource Replay(TickSourceOptions options)
    {
        if (options.Files.Count == 0) throw new StepInputException("files", "the replay source needs at least one aggTrades dump file (zip or csv)");
        var pacing = ParsePacing(options.Pacing);
        try
        {
            return new AggTradeReplaySource(options.Files, pacing);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException)
        {
            throw new StepInputException("files", e.Message);
        }
    }

    private static BinanceAggTradeStream WebSocket(TickSourceOptions options, ILogger? log)
    {
        if (string.IsNullOrWhiteSpace(options.Symbol)) throw new StepInputException("symbol", "the websocket source needs a symbol, e.g. BTCUSDT");
        var streamOptions = new BinanceStreamOptions { Symbol = options.Symbol };
        if (options.BaseUrl is not null) streamOptions = streamOptions with { BaseUri = ParseUri("base_url", options.BaseUrl) };
        if (options.RestUrl is not null) streamOptions = streamOptions with { RestBaseUri = ParseUri("rest_url", options.RestUrl) };
        try
        {
            return new BinanceAggTradeStream(streamOptions, log);
        }
        catch (ArgumentException e)
        {
            throw new StepInputException("symbol", e.Message);
        }
    }

    private static TickPacing ParsePacing(string pacing) => pacing switch
    {
        "fast" => TickPacing.AsFastAsPossible,
        "recorded" => TickPacing.Recorded,
        _ => throw new StepInputException("pacing", $"'{pacing}' is not a pacing; use fast or recorded"),
    };

    private static Uri ParseUri(string field, string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : throw new StepInputException(field, $"'{text}' is not an absolute URL");
}
