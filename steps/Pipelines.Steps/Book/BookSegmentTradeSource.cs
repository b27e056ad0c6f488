using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Book;

/// <summary>
/// The trades of recorded (or synthetic) segments as a tick source: as fast as possible, or paced at their recorded
/// spacing (the first trade at once, each later one when its distance from the first has elapsed on
/// <paramref name="time"/>). Reads copy from memory and allocate nothing unless they wait.
/// </summary>
public sealed class BookSegmentTradeSource(BookReplayData data, TickPacing pacing = TickPacing.AsFastAsPossible, TimeProvider? time = null) : ITickSource
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private int _next;
    private long _startTimestamp;
    private bool _started;

    public string Name { get; } = $"segment trades {data.Symbol} ({data.Trades.Length} trades)";

    public TickSourceCounters Counters { get; } = new();

    public ValueTask<int> ReadAsync(Memory<Tick> buffer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var trades = data.Trades;
        if (_next == trades.Length) return new ValueTask<int>(0);
        if (pacing == TickPacing.AsFastAsPossible) return new ValueTask<int>(Copy(buffer.Span, trades.Length));
        if (!_started)
        {
            _started = true;
            _startTimestamp = _time.GetTimestamp();
        }
        var due = Due(out var wait);
        return due > _next ? new ValueTask<int>(Copy(buffer.Span, due)) : WaitAsync(buffer, wait, cancellationToken);
    }

    private async ValueTask<int> WaitAsync(Memory<Tick> buffer, TimeSpan wait, CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            var due = Due(out wait);
            if (due > _next) return Copy(buffer.Span, due);
        }
    }

    /// <summary>The index after the last trade due now; when none is, how long until the next one is.</summary>
    private int Due(out TimeSpan wait)
    {
        var trades = data.Trades;
        var elapsedMicros = (long)_time.GetElapsedTime(_startTimestamp).TotalMicroseconds;
        var first = trades[0].TimeMicros;
        var due = _next;
        while (due < trades.Length && trades[due].TimeMicros - first <= elapsedMicros) due++;
        wait = due < trades.Length ? TimeSpan.FromMicroseconds(Math.Max(1, trades[due].TimeMicros - first - elapsedMicros)) : TimeSpan.Zero;
        return due;
    }

    private int Copy(Span<Tick> buffer, int end)
    {
        var count = Math.Min(buffer.Length, end - _next);
        data.Trades.AsSpan(_next, count).CopyTo(buffer);
        _next += count;
        return count;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
