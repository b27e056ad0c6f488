using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Tests.Support;

/// <summary>
/// Ticks from another source (or a fixed list), optionally slowed to about <c>ticksPerSecond</c> by waiting between
/// batches, so a test can act while a loop runs; <see cref="AfterRead"/> lets it act at a given point of the stream.
/// </summary>
public sealed class ScriptedTickSource(ITickSource inner, int batch = 64, double? ticksPerSecond = null) : ITickSource
{
    private long _read;

    /// <summary>Called with the number of ticks handed out so far, after each read.</summary>
    public Action<long>? AfterRead { get; init; }

    public ScriptedTickSource(IReadOnlyList<Tick> ticks) : this(new ListSource(ticks)) { }

    public string Name => "scripted " + inner.Name;

    public TickSourceCounters Counters => inner.Counters;

    public async ValueTask<int> ReadAsync(Memory<Tick> buffer, CancellationToken cancellationToken)
    {
        if (ticksPerSecond is { } rate) await Task.Delay(TimeSpan.FromSeconds(batch / rate), cancellationToken);
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
