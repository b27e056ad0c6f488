namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// One side of a local order book: levels sorted best first (bids by falling price, asks by rising price) in an array
/// sized once, found by binary search and updated by shifting in place, so applying a change allocates nothing.
/// When the side is full, a new level better than the worst pushes the worst out and a level worse than every kept
/// one is not kept; <see cref="Truncations"/> counts both. Far levels may then differ from the exchange's, the top
/// levels never do.
/// </summary>
public sealed class BookSide
{
    private readonly PriceLevel[] _levels;
    private readonly bool _descending;

    public BookSide(int capacity, bool isBid)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _levels = new PriceLevel[capacity];
        _descending = isBid;
    }

    public bool IsBid => _descending;

    public int Capacity => _levels.Length;

    public int Count { get; private set; }

    /// <summary>Levels dropped or not kept because the side was full.</summary>
    public long Truncations { get; private set; }

    /// <summary>The kept levels, best first.</summary>
    public ReadOnlySpan<PriceLevel> Levels => _levels.AsSpan(0, Count);

    public PriceLevel this[int index] => index < Count ? _levels[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public void Clear() => Count = 0;

    /// <summary>Sets the quantity at <paramref name="price"/>; 0 removes the level (absent levels are no error, as Binance documents).</summary>
    public void Set(long price, long quantity)
    {
        var index = Find(price);
        if (index >= 0)
        {
            if (quantity == 0)
            {
                Array.Copy(_levels, index + 1, _levels, index, Count - index - 1);
                Count--;
            }
            else _levels[index] = new PriceLevel(price, quantity);
            return;
        }
        if (quantity == 0) return;
        index = ~index;
        if (Count == _levels.Length)
        {
            Truncations++;
            if (index == Count) return;
            Count--;
        }
        Array.Copy(_levels, index, _levels, index + 1, Count - index);
        _levels[index] = new PriceLevel(price, quantity);
        Count++;
    }

    /// <summary>The index of <paramref name="price"/>, or the complement of where it would go.</summary>
    private int Find(long price)
    {
        int low = 0, high = Count - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var at = _levels[mid].Price;
            if (at == price) return mid;
            var before = _descending ? at > price : at < price;
            if (before) low = mid + 1;
            else high = mid - 1;
        }
        return ~low;
    }
}
