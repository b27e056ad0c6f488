namespace Pipelines.Learning.Features;

/// <summary>The registry of feature kinds: their names, inputs, defaults and warm-up rules.</summary>
public static class FeatureKinds
{
    private static readonly FeatureKindInfo[] All =
    [
        Single(FeatureKind.Value, "value", windowed: false),
        Single(FeatureKind.Return, "return", windowed: true),
        Single(FeatureKind.LogReturn, "log_return", windowed: true),
        Single(FeatureKind.RateOfChange, "rate_of_change", windowed: true),
        Single(FeatureKind.Sma, "sma", windowed: true),
        new(FeatureKind.Ema, "ema", ["x"], ["close"], TakesWindow: true, IsRecursive: true, OperandsMayBeFeatures: false),
        Single(FeatureKind.Std, "std", windowed: true),
        Single(FeatureKind.ZScore, "zscore", windowed: true),
        Single(FeatureKind.Trend, "trend", windowed: true),
        new(FeatureKind.Rsi, "rsi", ["x"], ["close"], TakesWindow: true, IsRecursive: true, OperandsMayBeFeatures: false),
        new(FeatureKind.Atr, "atr", ["high", "low", "close"], ["high", "low", "close"], TakesWindow: true, IsRecursive: true, OperandsMayBeFeatures: false),
        new(FeatureKind.Natr, "natr", ["high", "low", "close"], ["high", "low", "close"], TakesWindow: true, IsRecursive: true, OperandsMayBeFeatures: false),
        new(FeatureKind.RatioToMean, "ratio_to_mean", ["x"], ["volume"], TakesWindow: true, IsRecursive: false, OperandsMayBeFeatures: false),
        new(FeatureKind.DollarVolume, "dollar_volume", ["price", "volume"], ["close", "volume"], TakesWindow: false, IsRecursive: false, OperandsMayBeFeatures: false),
        new(FeatureKind.RangeBps, "range_bps", ["high", "low", "close"], ["high", "low", "close"], TakesWindow: false, IsRecursive: false, OperandsMayBeFeatures: false),
        new(FeatureKind.SpreadBps, "spread_bps", ["bid", "ask"], ["bid_price", "ask_price"], TakesWindow: false, IsRecursive: false, OperandsMayBeFeatures: false),
        new(FeatureKind.OrderImbalance, "order_imbalance", ["bid_depth", "ask_depth"], ["bid_depth", "ask_depth"], TakesWindow: true, IsRecursive: false, OperandsMayBeFeatures: false),
        new(FeatureKind.TradeFlowImbalance, "trade_flow_imbalance", ["buy_volume", "sell_volume"], ["buy_volume", "sell_volume"], TakesWindow: true, IsRecursive: false, OperandsMayBeFeatures: false),
        new(FeatureKind.BidPressure, "bid_pressure", ["bid_depth", "ask_depth"], ["bid_depth", "ask_depth"], TakesWindow: true, IsRecursive: false, OperandsMayBeFeatures: false),
        new(FeatureKind.Product, "product", ["a", "b"], [], TakesWindow: false, IsRecursive: false, OperandsMayBeFeatures: true),
        new(FeatureKind.Ratio, "ratio", ["a", "b"], [], TakesWindow: false, IsRecursive: false, OperandsMayBeFeatures: true),
        new(FeatureKind.BookDepth, "book_depth", ["quantity of each level"], BookLevelColumns.Quantities("bid", BookLevelColumns.DepthLevels),
            TakesWindow: false, IsRecursive: false, OperandsMayBeFeatures: false, LevelInputs: true),
        new(FeatureKind.BookDepthQuote, "book_depth_quote", ["price of each level", "quantity of each level"],
            [.. BookLevelColumns.Prices("bid", BookLevelColumns.DepthLevels), .. BookLevelColumns.Quantities("bid", BookLevelColumns.DepthLevels)],
            TakesWindow: false, IsRecursive: false, OperandsMayBeFeatures: false, LevelInputs: true),
        new(FeatureKind.Mid, "mid", ["bid", "ask"], ["bid_price", "ask_price"], TakesWindow: false, IsRecursive: false, OperandsMayBeFeatures: false),
        new(FeatureKind.Microprice, "microprice", ["bid", "ask", "bid_quantity", "ask_quantity"], ["bid_price", "ask_price", "bid_qty", "ask_qty"],
            TakesWindow: false, IsRecursive: false, OperandsMayBeFeatures: false),
        new(FeatureKind.BookImbalance, "book_imbalance", ["bid quantity of each level", "ask quantity of each level"],
            [.. BookLevelColumns.Quantities("bid", BookLevelColumns.DepthLevels), .. BookLevelColumns.Quantities("ask", BookLevelColumns.DepthLevels)],
            TakesWindow: true, IsRecursive: false, OperandsMayBeFeatures: false, LevelInputs: true),
        new(FeatureKind.BookPressure, "book_pressure", ["bid quantity of each level", "ask quantity of each level"],
            [.. BookLevelColumns.Quantities("bid", BookLevelColumns.DepthLevels), .. BookLevelColumns.Quantities("ask", BookLevelColumns.DepthLevels)],
            TakesWindow: true, IsRecursive: false, OperandsMayBeFeatures: false, LevelInputs: true),
        new(FeatureKind.DepthWithinBps, "depth_within_bps", ["bid", "ask", "price of each level", "quantity of each level"],
            ["bid_price", "ask_price", .. BookLevelColumns.Prices("bid", BookLevelColumns.Levels), .. BookLevelColumns.Quantities("bid", BookLevelColumns.Levels)],
            TakesWindow: true, IsRecursive: false, OperandsMayBeFeatures: false, LevelInputs: true),
    ];

    private static FeatureKindInfo Single(FeatureKind kind, string key, bool windowed) =>
        new(kind, key, ["x"], ["close"], windowed, IsRecursive: false, OperandsMayBeFeatures: false);

    public static IReadOnlyList<FeatureKindInfo> List => All;

    public static FeatureKindInfo Describe(FeatureKind kind) => All[(int)kind];

    /// <summary>Finds a kind by its key (e.g. "sma", "trade_flow_imbalance"); throws naming the known keys.</summary>
    public static FeatureKindInfo Parse(string key)
    {
        foreach (var info in All)
            if (string.Equals(info.Key, key, StringComparison.OrdinalIgnoreCase)) return info;
        throw new FeatureDefinitionException($"unknown feature kind '{key}'; known kinds: {string.Join(", ", All.Select(k => k.Key))}");
    }
}
