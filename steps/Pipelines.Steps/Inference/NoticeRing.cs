namespace Pipelines.Steps.Inference;

/// <summary>
/// A small bounded single-producer/single-consumer queue of value-type notices (drift changes, rejected ticks) from the
/// hot thread to a background thread. Writing never waits: a full ring refuses the notice and the caller counts it.
/// </summary>
internal sealed class NoticeRing<T> where T : struct
{
    private readonly T[] _items;
    private readonly int _mask;
    private RingPosition _written;
    private RingPosition _read;

    public NoticeRing(int capacity)
    {
        if (capacity < 2 || (capacity & (capacity - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be a power of two of at least 2");
        _items = new T[capacity];
        _mask = capacity - 1;
    }

    public bool TryWrite(in T item)
    {
        var written = _written.Value;
        if (written - Volatile.Read(ref _read.Value) == _items.Length) return false;
        _items[written & _mask] = item;
        Volatile.Write(ref _written.Value, written + 1);
        return true;
    }

    public bool TryRead(out T item)
    {
        var read = _read.Value;
        if (read == Volatile.Read(ref _written.Value))
        {
            item = default;
            return false;
        }
        item = _items[read & _mask];
        Volatile.Write(ref _read.Value, read + 1);
        return true;
    }
}
