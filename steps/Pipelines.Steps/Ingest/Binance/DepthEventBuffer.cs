namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// The depth events held while a snapshot is awaited: a ring of slots whose level arrays are reused, so buffering
/// allocates only while a slot grows to the largest event seen. When full, the oldest event is dropped (the next
/// snapshot must then be newer than the oldest kept event, which the synchroniser checks anyway).
/// </summary>
internal sealed class DepthEventBuffer
{
    private readonly Slot[] _slots;
    private int _head;

    public DepthEventBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _slots = new Slot[capacity];
        for (var i = 0; i < capacity; i++) _slots[i] = new Slot();
    }

    public int Count { get; private set; }

    public long Overflows { get; private set; }

    public DepthDiff this[int index] => _slots[(_head + index) % _slots.Length].View;

    public void Add(in DepthDiff diff)
    {
        if (Count == _slots.Length)
        {
            _head = (_head + 1) % _slots.Length;
            Count--;
            Overflows++;
        }
        _slots[(_head + Count) % _slots.Length].CopyFrom(diff);
        Count++;
    }

    /// <summary>Forgets the first <paramref name="count"/> events.</summary>
    public void RemoveFirst(int count)
    {
        _head = (_head + count) % _slots.Length;
        Count -= count;
    }

    public void Clear()
    {
        _head = 0;
        Count = 0;
    }

    private sealed class Slot
    {
        private PriceLevel[] _bids = new PriceLevel[16];
        private PriceLevel[] _asks = new PriceLevel[16];
        private long _first, _final, _time;
        private int _bidCount, _askCount;

        public DepthDiff View => new(_first, _final, _time, _bids.AsMemory(0, _bidCount), _asks.AsMemory(0, _askCount));

        public void CopyFrom(in DepthDiff diff)
        {
            _first = diff.FirstUpdateId;
            _final = diff.FinalUpdateId;
            _time = diff.EventTimeMicros;
            _bidCount = Copy(diff.Bids.Span, ref _bids);
            _askCount = Copy(diff.Asks.Span, ref _asks);
        }

        private static int Copy(ReadOnlySpan<PriceLevel> from, ref PriceLevel[] to)
        {
            if (to.Length < from.Length) to = new PriceLevel[Math.Max(from.Length, to.Length * 2)];
            from.CopyTo(to);
            return from.Length;
        }
    }
}
