namespace Pipelines.Learning.Features;

/// <summary>
/// The kinds of feature a definition can name. Each kind fixes its inputs (in order), whether it takes a
/// window, and its warm-up; <see cref="FeatureKinds.Describe"/> holds those rules.
/// </summary>
public enum FeatureKind
{
    /// <summary>The input column itself (the "current value" of the ML feature engine).</summary>
    Value,
    /// <summary>x[t] / x[t-k] - 1, with k the window.</summary>
    Return,
    /// <summary>ln(x[t] / x[t-k]).</summary>
    LogReturn,
    /// <summary>Rate of change in percent over k rows: 100 * (x[t] / x[t-k] - 1).</summary>
    RateOfChange,
    /// <summary>Mean of the last N values.</summary>
    Sma,
    /// <summary>Exponential moving average, alpha = 2 / (N + 1), no bias adjustment, seeded with the first input.</summary>
    Ema,
    /// <summary>Sample standard deviation of the last N values.</summary>
    Std,
    /// <summary>(x - mean) / std over the last N values (sample std).</summary>
    ZScore,
    /// <summary>Least-squares slope of the last N values against their position 0..N-1.</summary>
    Trend,
    /// <summary>Wilder's relative strength index over N changes.</summary>
    Rsi,
    /// <summary>Wilder's average true range over N bars; inputs high, low, close.</summary>
    Atr,
    /// <summary>ATR as a percentage of the close.</summary>
    Natr,
    /// <summary>x / mean of the last N values of x (e.g. volume relative to its SMA).</summary>
    RatioToMean,
    /// <summary>price * volume.</summary>
    DollarVolume,
    /// <summary>(high - low) / close in basis points: the bar's range, a spread proxy when no quotes exist.</summary>
    RangeBps,
    /// <summary>(ask - bid) / mid in basis points.</summary>
    SpreadBps,
    /// <summary>(mean bid depth - mean ask depth) / (mean bid depth + mean ask depth) over N rows.</summary>
    OrderImbalance,
    /// <summary>Buy volume / (buy volume + sell volume), both summed over N rows.</summary>
    TradeFlowImbalance,
    /// <summary>Mean bid depth / (mean bid depth + mean ask depth) over N rows.</summary>
    BidPressure,
    /// <summary>a * b, where a and b are columns or earlier features.</summary>
    Product,
    /// <summary>a / b, where a and b are columns or earlier features.</summary>
    Ratio,
    /// <summary>Σ q_i over the given level quantity columns: book depth in the base asset over the top N levels.</summary>
    BookDepth,
    /// <summary>Σ p_i·q_i over the given levels (prices first, then quantities): book depth in the quote asset; an empty level (q = 0) adds 0.</summary>
    BookDepthQuote,
    /// <summary>(bid + ask) / 2.</summary>
    Mid,
    /// <summary>(bid·ask_qty + ask·bid_qty) / (bid_qty + ask_qty): the mid leaning towards the side with less queue.</summary>
    Microprice,
    /// <summary>(mean B − mean A) / (mean B + mean A) over N rows, B and A the row's bid and ask depth summed over the given levels.</summary>
    BookImbalance,
    /// <summary>mean B / (mean B + mean A) over N rows, B and A as for <see cref="BookImbalance"/>.</summary>
    BookPressure,
    /// <summary>Σ q_i over the given levels whose price lies within X bps of the mid, |p_i − mid| ≤ mid·X/10,000 (X is the window).</summary>
    DepthWithinBps,
}
