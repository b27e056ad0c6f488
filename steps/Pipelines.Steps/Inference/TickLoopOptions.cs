namespace Pipelines.Steps.Inference;

/// <summary>How long the tick loop runs and how it hands work to its background threads.</summary>
public sealed record TickLoopOptions
{
    /// <summary>Ticks to read from the source before stopping; null to run until the source ends or the duration passes.</summary>
    public long? MaxTicks { get; init; }

    /// <summary>Wall time after which the loop stops between ticks; null for no limit.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Explain every N-th decision (0: none sampled).</summary>
    public int ShapEvery { get; init; }

    /// <summary>Also explain every decision whose score is at least this; null: none flagged.</summary>
    public double? ShapFlagThreshold { get; init; }

    /// <summary>Features per explanation, largest |SHAP| first.</summary>
    public int ShapTop { get; init; } = 10;

    /// <summary>Slots of the decision ring (a power of two); the explanation ring gets a sixteenth of it, at least 64.</summary>
    public int QueueCapacity { get; init; } = 1 << 18;

    /// <summary>ADWIN's confidence δ for each feature's drift monitor.</summary>
    public double AdwinDelta { get; init; } = 0.002;

    /// <summary>
    /// After a feature's drift event, further ADWIN cuts of that feature within this many ticks are counted but not
    /// recorded: a trending feature (a moving average of the price, say) cuts its window again and again, and one event
    /// per episode says what a thousand would.
    /// </summary>
    public long DriftCooldownTicks { get; init; } = 10_000;

    /// <summary>Ticks read from the source at a time.</summary>
    public int ReadBatch { get; init; } = 256;

    /// <summary>The decision writer commits at least this often while decisions arrive.</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The decision writer also commits once this many decisions wait. The default is one DuckDB row group: a
    /// transaction holding a whole row group has DuckDB write it, compressed, straight into the database file,
    /// where smaller ones go through the write-ahead log and are written a second time at the next checkpoint —
    /// about three times the cost per decision on this machine's disk.
    /// </summary>
    public int CommitRows { get; init; } = 122_880;

    /// <summary>Ticks processed before allocation accounting starts (first calls may initialise statics).</summary>
    public long WarmUpTicks { get; init; } = 10_000;

    public void Validate()
    {
        if (MaxTicks is < 0) throw new ArgumentOutOfRangeException(nameof(MaxTicks), MaxTicks, "must not be negative");
        if (Duration is { } d && d <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Duration), Duration, "must be positive");
        if (ShapEvery < 0) throw new ArgumentOutOfRangeException(nameof(ShapEvery), ShapEvery, "must not be negative");
        if (ShapTop < 1) throw new ArgumentOutOfRangeException(nameof(ShapTop), ShapTop, "must be at least 1");
        if (QueueCapacity < 2 || (QueueCapacity & (QueueCapacity - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(QueueCapacity), QueueCapacity, "must be a power of two of at least 2");
        if (!(AdwinDelta is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(AdwinDelta), AdwinDelta, "must lie in (0, 1)");
        if (DriftCooldownTicks < 0) throw new ArgumentOutOfRangeException(nameof(DriftCooldownTicks), DriftCooldownTicks, "must not be negative");
        if (ReadBatch < 1) throw new ArgumentOutOfRangeException(nameof(ReadBatch), ReadBatch, "must be at least 1");
        if (CommitInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(CommitInterval), CommitInterval, "must be positive");
        if (CommitRows < 1) throw new ArgumentOutOfRangeException(nameof(CommitRows), CommitRows, "must be at least 1");
        if (WarmUpTicks < 0) throw new ArgumentOutOfRangeException(nameof(WarmUpTicks), WarmUpTicks, "must not be negative");
    }
}
