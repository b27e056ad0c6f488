namespace Pipelines.Steps.Ticks;

/// <summary>
/// A stream of ticks in arrival order: a replayed dump file, a live WebSocket, or a synthetic generator. Sources pass
/// ticks through as they come; judging them (NaN or non-positive prices, duplicate or out-of-order ids) is the
/// consumer's job, so every source is checked the same way.
/// </summary>
public interface ITickSource : IAsyncDisposable
{
    /// <summary>A short description for logs and run outputs, e.g. "replay aggTrades BTCUSDT-aggTrades-2024-01.zip".</summary>
    string Name { get; }

    /// <summary>What the source itself noticed: reconnects, gaps, malformed messages.</summary>
    TickSourceCounters Counters { get; }

    /// <summary>
    /// Fills the start of <paramref name="buffer"/> with the next ticks and returns how many; waits until at least one
    /// is available. Returns 0 only when the source has ended. Completes synchronously, without allocating, whenever
    /// ticks are already at hand.
    /// </summary>
    ValueTask<int> ReadAsync(Memory<Tick> buffer, CancellationToken cancellationToken);
}
