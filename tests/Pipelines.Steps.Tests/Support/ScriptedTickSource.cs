using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Tests.Support;

/// <summary>
/// Ticks from another source (or a fixed list) in batches of at most <c>batch</c>; <see cref="AfterRead"/> lets a test
/// act at a given point of the stream, between a read and the processing of its ticks.
/// </summary>
public sealed class ScriptedTickSource(ITickSource inner, int batch = 64) : ITickSource
{
    private long _read;

    /// <summary>Called with the number of ticks handed out so far, after each read.</summary>
    public Action<long>? AfterRead { get; init; }

    public ScriptedTickSource(IReadOnlyList<Tick> ticks) : this(new ListSource(ticks)) { }

    public string Name => "scripted " + inner.Name;

    public TickSourceCounters Counters => inner.Counters;

    public async ValueTask<int> ReadAsync(Memory<Tick> buffer, CancellationToken cancellationToken)
    {
        var count = await inner.ReadAsync(buffer[..Math.Min(batch, buffer.Length)], cancellationToken);
        _read += count;
        AfterRead?.Invoke(_read);
        return count;
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private sealed class ListSource(IReadOnlyList<Tick> ticks) : ITickSource
    {
        private int _next;

        public string Name => $"{ticks.Count} listed ticks";

        public TickSourceCounters Counters { get; } = new();

        public ValueTask<int> ReadAsync(Memory<Tick> buffer, CancellationToken cancellationToken)
        {
            var count = Math.Min(buffer.Length, ticks.Count - _next);
            for (var i = 0; i < count; i++) buffer.Span[i] = ticks[_next++];
            return new ValueTask<int>(count);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
