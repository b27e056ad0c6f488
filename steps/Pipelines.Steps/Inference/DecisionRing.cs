namespace Pipelines.Steps.Inference;

/// <summary>
/// A bounded single-producer/single-consumer queue of decisions, preallocated as parallel arrays (one feature row
/// per slot), so passing a decision to another thread copies values and allocates nothing. The producer claims a
/// slot, fills it and publishes it; the consumer reads the published slots and releases them. Positions only grow;
/// a slot is <c>position % capacity</c>.
/// </summary>
internal sealed class DecisionRing
{
    private readonly int _mask;
    private RingPosition _written;
    private RingPosition _read;

    public DecisionRing(int capacity, int featureCount)
    {
        if (capacity < 2 || (capacity & (capacity - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be a power of two of at least 2");
        Capacity = capacity;
        FeatureCount = featureCount;
        _mask = capacity - 1;
        TradeIds = new long[capacity];
        Times = new long[capacity];
        Models = new LoadedModel[capacity];
        Scores = new double[capacity];
        Features = new double[capacity * featureCount];
    }

    public int Capacity { get; }

    public int FeatureCount { get; }

    public long[] TradeIds { get; }

    public long[] Times { get; }

    public LoadedModel[] Models { get; }

    public double[] Scores { get; }

    public double[] Features { get; }

    /// <summary>The next slot to fill, or -1 when every slot is waiting for the consumer. Producer only.</summary>
    public int TryClaim()
    {
        var written = _written.Value;
        return written - Volatile.Read(ref _read.Value) == Capacity ? -1 : (int)(written & _mask);
    }

    /// <summary>Hands the claimed slot to the consumer. Producer only.</summary>
    public void Publish() => Volatile.Write(ref _written.Value, _written.Value + 1);

    public Span<double> FeaturesOf(int slot) => Features.AsSpan(slot * FeatureCount, FeatureCount);

    /// <summary>How many published slots wait, and the first of them. Consumer only.</summary>
    public int Pending(out int firstSlot)
    {
        var read = _read.Value;
        firstSlot = (int)(read & _mask);
        return (int)(Volatile.Read(ref _written.Value) - read);
    }

    public int SlotAfter(int firstSlot, int offset) => (firstSlot + offset) & _mask;

    /// <summary>Gives <paramref name="count"/> read slots back to the producer. Consumer only.</summary>
    public void Release(int count) => Volatile.Write(ref _read.Value, _read.Value + count);
}
