using System.Globalization;
using System.Text.RegularExpressions;

namespace Pipelines.Learning.Features;

/// <summary>
/// The compact feature names usable in a pipeline file, e.g. <c>ret_1</c>, <c>sma_10</c>, <c>std_30</c>,
/// <c>rsi_14</c>, <c>volume_trend_20</c>. Each name is also the output column.
/// </summary>
/// <remarks>
/// Forms (price column: close): <c>ret_K</c>, <c>logret_K</c>, <c>roc_N</c>, <c>sma_N</c>, <c>ema_N</c>, <c>std_N</c>,
/// <c>z_N</c>, <c>trend_N</c>, <c>rsi_N</c>, <c>atr_N</c>, <c>natr_N</c>; volume: <c>vol_z_N</c>, <c>vol_ratio_N</c>,
/// <c>dollar_vol</c>; bars: <c>range_bps</c>; order flow: <c>spread_bps</c>, <c>order_imbalance_N</c>,
/// <c>trade_flow_imbalance_N</c>, <c>bid_pressure_N</c>; any column C: <c>C_current</c>, <c>C_mean_N</c>,
/// <c>C_std_N</c>, <c>C_z_N</c>, <c>C_trend_N</c>, <c>C_roc_N</c>. <c>spread_x_vol</c> is the bar range in bps
/// times volume (the spread proxy klines allow); it brings <c>range_bps</c> with it.
/// Order book (over the columns of <see cref="BookLevelColumns"/>, N levels from 1 to 20): <c>bid_depth_N</c>,
/// <c>ask_depth_N</c> (base asset), <c>bid_depth_quote_N</c>, <c>ask_depth_quote_N</c> (quote asset), <c>mid</c>,
/// <c>microprice</c>, <c>book_imbalance_N</c> and <c>book_pressure_N</c> (this row's top N levels),
/// <c>book_imbalance_N_W</c> and <c>book_pressure_N_W</c> (over the last W rows), <c>bid_depth_within_Xbps</c> and
/// <c>ask_depth_within_Xbps</c> (quantity within X bps of the mid, over the 20 levels a row carries).
/// </remarks>
public static partial class FeatureNames
{
    [GeneratedRegex("^(?<op>ret|logret|roc|sma|ema|std|z|trend|rsi|atr|natr|vol_z|vol_ratio|order_imbalance|trade_flow_imbalance|bid_pressure)_(?<n>[0-9]+)$")]
    private static partial Regex PriceForm();

    [GeneratedRegex("^(?<column>[A-Za-z_][A-Za-z0-9_]*?)_(?<op>mean|std|z|trend|roc)_(?<n>[0-9]+)$")]
    private static partial Regex ColumnForm();

    [GeneratedRegex("^(?<column>[A-Za-z_][A-Za-z0-9_]*)_current$")]
    private static partial Regex CurrentForm();

    [GeneratedRegex("^(?<side>bid|ask)_depth_(?<quote>quote_)?(?<n>[0-9]+)$")]
    private static partial Regex DepthForm();

    [GeneratedRegex("^(?<side>bid|ask)_depth_within_(?<x>[0-9]+)bps$")]
    private static partial Regex DepthWithinForm();

    [GeneratedRegex("^book_(?<op>imbalance|pressure)_(?<n>[0-9]+)(_(?<w>[0-9]+))?$")]
    private static partial Regex BookRatioForm();

    /// <summary>
    /// The definitions a compact name stands for: usually one; <c>spread_x_vol</c> also yields <c>range_bps</c>
    /// (first) so the product has its operand.
    /// </summary>
    public static IReadOnlyList<FeatureDefinition> Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        switch (name)
        {
            case "dollar_vol": return [FeatureDefinition.Create(name, FeatureKind.DollarVolume)];
            case "range_bps": return [FeatureDefinition.Create(name, FeatureKind.RangeBps)];
            case "spread_bps": return [FeatureDefinition.Create(name, FeatureKind.SpreadBps)];
            case "mid": return [FeatureDefinition.Create(name, FeatureKind.Mid)];
            case "microprice": return [FeatureDefinition.Create(name, FeatureKind.Microprice)];
            case "spread_x_vol":
                return
                [
                    FeatureDefinition.Create("range_bps", FeatureKind.RangeBps),
                    FeatureDefinition.Create(name, FeatureKind.Product, ["range_bps", "volume"]),
                ];
        }
        if (BookForm(name) is { } book) return [book];
        if (PriceForm().Match(name) is { Success: true } price)
        {
            var n = Window(name, price.Groups["n"].Value);
            return [price.Groups["op"].Value switch
            {
                "ret" => FeatureDefinition.Create(name, FeatureKind.Return, window: n),
                "logret" => FeatureDefinition.Create(name, FeatureKind.LogReturn, window: n),
                "roc" => FeatureDefinition.Create(name, FeatureKind.RateOfChange, window: n),
                "sma" => FeatureDefinition.Create(name, FeatureKind.Sma, window: n),
                "ema" => FeatureDefinition.Create(name, FeatureKind.Ema, window: n),
                "std" => FeatureDefinition.Create(name, FeatureKind.Std, window: n),
                "z" => FeatureDefinition.Create(name, FeatureKind.ZScore, window: n),
                "trend" => FeatureDefinition.Create(name, FeatureKind.Trend, window: n),
                "rsi" => FeatureDefinition.Create(name, FeatureKind.Rsi, window: n),
                "atr" => FeatureDefinition.Create(name, FeatureKind.Atr, window: n),
                "natr" => FeatureDefinition.Create(name, FeatureKind.Natr, window: n),
                "vol_z" => FeatureDefinition.Create(name, FeatureKind.ZScore, ["volume"], n),
                "vol_ratio" => FeatureDefinition.Create(name, FeatureKind.RatioToMean, ["volume"], n),
                "order_imbalance" => FeatureDefinition.Create(name, FeatureKind.OrderImbalance, window: n),
                "trade_flow_imbalance" => FeatureDefinition.Create(name, FeatureKind.TradeFlowImbalance, window: n),
                _ => FeatureDefinition.Create(name, FeatureKind.BidPressure, window: n),
            }];
        }
        if (ColumnForm().Match(name) is { Success: true } column)
        {
            var n = Window(name, column.Groups["n"].Value);
            var kind = column.Groups["op"].Value switch
            {
                "mean" => FeatureKind.Sma,
                "std" => FeatureKind.Std,
                "z" => FeatureKind.ZScore,
                "trend" => FeatureKind.Trend,
                _ => FeatureKind.RateOfChange,
            };
            return [FeatureDefinition.Create(name, kind, [column.Groups["column"].Value], n)];
        }
        if (CurrentForm().Match(name) is { Success: true } current)
            return [FeatureDefinition.Create(name, FeatureKind.Value, [current.Groups["column"].Value])];
        throw new FeatureDefinitionException(
            $"'{name}' is not a known feature name; use forms like ret_1, logret_1, roc_5, sma_10, ema_12, std_30, z_20, trend_10, " +
            "rsi_14, atr_14, natr_14, vol_z_20, vol_ratio_20, dollar_vol, range_bps, spread_bps, spread_x_vol, order_imbalance_20, " +
            "trade_flow_imbalance_20, bid_pressure_20, mid, microprice, bid_depth_5, ask_depth_quote_5, book_imbalance_5, book_pressure_5_20, " +
            "bid_depth_within_10bps, <column>_current, <column>_mean_N, <column>_std_N, <column>_z_N, " +
            "<column>_trend_N, <column>_roc_N, or the explicit form { name, kind, inputs, window }");
    }

    private static FeatureDefinition? BookForm(string name)
    {
        if (DepthForm().Match(name) is { Success: true } depth)
        {
            var side = depth.Groups["side"].Value;
            var n = Levels(name, depth.Groups["n"].Value);
            return depth.Groups["quote"].Success
                ? FeatureDefinition.Create(name, FeatureKind.BookDepthQuote, [.. BookLevelColumns.Prices(side, n), .. BookLevelColumns.Quantities(side, n)])
                : FeatureDefinition.Create(name, FeatureKind.BookDepth, BookLevelColumns.Quantities(side, n));
        }
        if (DepthWithinForm().Match(name) is { Success: true } within)
        {
            var side = within.Groups["side"].Value;
            var levels = BookLevelColumns.Levels;
            return FeatureDefinition.Create(name, FeatureKind.DepthWithinBps,
                ["bid_price", "ask_price", .. BookLevelColumns.Prices(side, levels), .. BookLevelColumns.Quantities(side, levels)],
                Window(name, within.Groups["x"].Value));
        }
        if (BookRatioForm().Match(name) is { Success: true } ratio)
        {
            var n = Levels(name, ratio.Groups["n"].Value);
            var rows = ratio.Groups["w"].Success ? Window(name, ratio.Groups["w"].Value) : 1;
            var kind = ratio.Groups["op"].Value == "imbalance" ? FeatureKind.BookImbalance : FeatureKind.BookPressure;
            return FeatureDefinition.Create(name, kind, [.. BookLevelColumns.Quantities("bid", n), .. BookLevelColumns.Quantities("ask", n)], rows);
        }
        return null;
    }

    private static int Levels(string name, string digits)
    {
        var n = Window(name, digits);
        return n is >= 1 and <= BookLevelColumns.Levels
            ? n
            : throw new FeatureDefinitionException($"feature '{name}': {n} levels; a book row carries 1 to {BookLevelColumns.Levels} levels per side");
    }

    private static int Window(string name, string digits) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new FeatureDefinitionException($"feature '{name}': window '{digits}' is out of range");
}
