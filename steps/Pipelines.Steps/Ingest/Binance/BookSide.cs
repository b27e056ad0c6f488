namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// One side of a local order book: levels sorted best first (bids by falling price, asks by rising price) in an array
/// sized once, found by binary search and updated by shifting in place, so applying a change allocates nothing.
/// The kept levels sit in the middle of an array twice the capacity, and an insertion or removal shifts whichever
/// part is shorter — the levels before it or those after — so a change near the top of a deep book moves a few
/// levels, not the whole side; when the short part has no room left, the levels are re-centred once.
/// When the side is full, a new level better than the worst pushes the worst out and a level worse than every kept
/// one is not kept; <see cref="Truncations"/> counts both. Far levels may then differ from the exchange's, the top
/// levels never do.
/// </summary>
public sealed class BookSide
{
    private readonly PriceLevel[] _levels;
    private readonly int _capacity;
    private readonly bool _descending;
    private int _start;

    public BookSide(int capacity, bool isBid)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _levels = new PriceLevel[2 * capacity + 1];
        _start = capacity / 2;
        _descending = isBid;
    }

    public bool IsBid => _descending;

    public int Capacity => _capacity;

    public int Count { get; private set; }

    /// <summary>Levels dropped or not kept because the side was full.</summary>
    public long Truncations { get; private set; }

    /// <summary>The kept levels, best first.</summary>
    public ReadOnlySpan<PriceLevel> Levels => _levels.AsSpan(_start, Count);

    public PriceLevel this[int index] => index < Count ? _levels[_start + index] : throw new ArgumentOutOfRangeException(nameof(index));

    public void Clear()
    {
        Count = 0;
        _start = _capacity / 2;
    }

    /// <summary>Sets the quantity at <paramref name="price"/>; 0 removes the level (absent levels are no error, as Binance documents).</summary>
    public void Set(long price, long quantity)
    {
        var index = Find(price);
        if (index >= 0)
        {
            if (quantity == 0) RemoveAt(index);
            else _levels[_start + index] = new PriceLevel(price, quantity);
            return;
        }
        if (quantity == 0) return;
        index = ~index;
        if (Count == _capacity)
        {
            Truncations++;
            if (index == Count) return;
            Count--;
        }
        InsertAt(index, new PriceLevel(price, quantity));
    }

    private void RemoveAt(int index)
    {
        if (index < Count / 2)
        {
            Array.Copy(_levels, _start, _levels, _start + 1, index);
            _start++;
        }
        else
        {
            Array.Copy(_levels, _start + index + 1, _levels, _start + index, Count - index - 1);
        }
        Count--;
    }

    private void InsertAt(int index, PriceLevel level)
    {
        var front = index < Count / 2;
        if (front ? _start == 0 : _start + Count == _levels.Length) Recentre();
        if (front)
        {
            Array.Copy(_levels, _start, _levels, _start - 1, index);
            _start--;
        }
        else
        {
            Array.Copy(_levels, _start + index, _levels, _start + index + 1, Count - index);
        }
        _levels[_start + index] = level;
        Count++;
    }

    /// <summary>Moves the kept levels to the middle of the array, leaving room at both ends.</summary>
    private void Recentre()
    {
        var start = (_levels.Length - Count) / 2;
        Array.Copy(_levels, _start, _levels, start, Count);
        _start = start;
    }

    /// <summary>The index of <paramref name="price"/>, or the complement of where it would go.</summary>
    private int Find(long price)
    {
        int low = 0, high = Count - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var at = _levels[_start + mid].Price;
            if (at == price) return mid;
            var before = _descending ? at > price : at < price;
            if (before) low = mid + 1;
            else high = mid - 1;
        }
        return ~low;
    }
}
