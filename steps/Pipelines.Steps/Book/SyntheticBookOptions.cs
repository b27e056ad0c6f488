namespace Pipelines.Steps.Book;

/// <summary>The knobs of <see cref="SyntheticBookGenerator"/>; see docs/order-book.md for what each one draws.</summary>
public sealed record SyntheticBookOptions
{
    public string Symbol { get; init; } = "BTCUSDT";

    public ulong Seed { get; init; } = 1;

    /// <summary>Depth diff events per one-minute bar, evenly spaced.</summary>
    public int EventsPerBar { get; init; } = 12;

    /// <summary>Trades per one-minute bar, evenly spaced between the events.</summary>
    public int TradesPerBar { get; init; } = 16;

    /// <summary>Price levels kept per side.</summary>
    public int LevelsPerSide { get; init; } = 200;

    /// <summary>Distance between neighbouring levels, in basis points of the first bar's close (rounded to the tick).</summary>
    public double LevelSpacingBps { get; init; } = 0.25;

    /// <summary>
    /// How strongly the top five levels lean towards the side the mid moves to next: bid queues are scaled by
    /// e^(lean·d) and ask queues by e^(−lean·d), d = +1 before a rise, −1 before a fall. 0 gives a book with no signal.
    /// </summary>
    public double Lean { get; init; } = 0.5;

    /// <summary>Bars used from the start of the file; null for all.</summary>
    public int? MaxBars { get; init; }

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Symbol) || !Symbol.All(char.IsAsciiLetterOrDigit))
            throw new ArgumentException($"symbol '{Symbol}' must be letters and digits, e.g. BTCUSDT", nameof(Symbol));
        if (EventsPerBar is < 1 or > 600) throw new ArgumentOutOfRangeException(nameof(EventsPerBar), EventsPerBar, "must lie in [1, 600] (at most one event per 100 ms)");
        if (TradesPerBar is < 0 or > 6000) throw new ArgumentOutOfRangeException(nameof(TradesPerBar), TradesPerBar, "must lie in [0, 6000]");
        if (LevelsPerSide is < 20 or > 5000) throw new ArgumentOutOfRangeException(nameof(LevelsPerSide), LevelsPerSide, "must lie in [20, 5000] (a book row carries 20 levels)");
        if (!(LevelSpacingBps is > 0 and <= 100)) throw new ArgumentOutOfRangeException(nameof(LevelSpacingBps), LevelSpacingBps, "must lie in (0, 100]");
        if (!double.IsFinite(Lean) || Math.Abs(Lean) > 5) throw new ArgumentOutOfRangeException(nameof(Lean), Lean, "must lie in [-5, 5]");
        if (MaxBars is < 1) throw new ArgumentOutOfRangeException(nameof(MaxBars), MaxBars, "must be at least 1");
    }
}
