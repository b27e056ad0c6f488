using Pipelines.Abstractions;

namespace Pipelines.Steps.Features;

public sealed record FeaturizeInputs
{
    [Input("The table to featurize, e.g. bars from an ingest step.", Example = "${{ steps.bars.outputs.table }}")]
    public required Artifact Input { get; init; }

    [Input("Column that orders the rows; its values must be unique.")]
    public string TimeColumn { get; init; } = "open_time";

    [Input("Features by compact name: ret_K, logret_K, roc_N, sma_N, ema_N, std_N, z_N, trend_N, rsi_N, atr_N, natr_N, vol_z_N, vol_ratio_N, dollar_vol, range_bps, spread_x_vol, spread_bps, order_imbalance_N, trade_flow_imbalance_N, bid_pressure_N; from a book snapshot table (ingest/book-snapshots): mid, microprice, bid_depth_N, ask_depth_N, bid_depth_quote_N, ask_depth_quote_N, book_imbalance_N, book_pressure_N, book_imbalance_N_W, book_pressure_N_W, bid_depth_within_Xbps, ask_depth_within_Xbps; and for any column C: C_current, C_mean_N, C_std_N, C_z_N, C_trend_N, C_roc_N.",
        Example = "[ret_1, sma_10, std_30, roc_5, spread_x_vol]")]
    public IReadOnlyList<string> Features { get; init; } = [];

    [Input("Features in explicit form, computed after the named ones (so they may combine them).",
        Example = "[{ name: ret_per_std, kind: ratio, inputs: [ret_1, std_30] }]")]
    public IReadOnlyList<FeatureSpec> Define { get; init; } = [];
}
