namespace Pipelines.Steps.Inference;

/// <summary>What a tick source may need, whichever it is; each source reads the fields it uses.</summary>
public sealed record TickSourceOptions
{
    /// <summary>Absolute paths: the bar CSV for the synthetic source, aggTrades dump files for a replay.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    public string? Symbol { get; init; }

    public string? BaseUrl { get; init; }

    /// <summary>REST base URL the live stream backfills gaps from; none means gaps are only counted.</summary>
    public string? RestUrl { get; init; }

    /// <summary>"fast" (as fast as possible) or "recorded" (paced to the recorded timestamps).</summary>
    public string Pacing { get; init; } = "fast";

    /// <summary>Trades generated per bar by the synthetic source.</summary>
    public int TradesPerBar { get; init; } = 32;

    public ulong Seed { get; init; } = 1;

    /// <summary>Loaded order-book segments, whose trades the segments source replays.</summary>
    public Book.BookReplayData? Book { get; init; }
}
