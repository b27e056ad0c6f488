using Pipelines.Abstractions;

namespace Pipelines.Steps.Backtest;

public sealed record BacktestOutputs
{
    [Output("The stitched figures, typed; the same ones validate/gate reads from metrics.")]
    public required BacktestMetrics Result { get; init; }

    [Output("Metrics JSON for validate/gate: the stitched figures under \"holdout\" (sharpe, sharpe_lower, annual_return, annual_return_lower, max_drawdown, bars, days, trades, …), each fold's under \"walk_forward\".\"per_fold\" and their mean under \"walk_forward\".\"mean\", with the sample, the bootstrap method and the policy.")]
    public required Artifact Metrics { get; init; }

    [Output("Per-bar curves (JSON): fold, time, price, position, net return, equity, drawdown and buy-and-hold equity, stitched.")]
    public required Artifact Curves { get; init; }

    [Output("Returns table (Parquet): period (yyyy-MM or yyyy-MM-dd, UTC), bars, trades, strategy_return and buy_and_hold_return, compounded over each period.")]
    public required Artifact Returns { get; init; }

    [Output("How the intervals were computed, e.g. \"stationary bootstrap, 1000 resamples, mean block 5 bars, seed 1, 95 % percentile\".")]
    public required string BootstrapMethod { get; init; }

    [Output("Folds traded and stitched.")]
    public required int Folds { get; init; }
}
