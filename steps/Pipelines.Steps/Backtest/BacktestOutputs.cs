using Pipelines.Abstractions;

namespace Pipelines.Steps.Backtest;

public sealed record BacktestOutputs
{
    [Output("The figures, typed; the same ones validate/gate reads from metrics.")]
    public required BacktestMetrics Result { get; init; }

    [Output("Metrics JSON for validate/gate: the figures under \"holdout\" (sharpe, sharpe_lower, annual_return, max_drawdown, …), with the bootstrap method and the policy.")]
    public required Artifact Metrics { get; init; }

    [Output("Per-bar curves (JSON): time, close, position, net return, equity, drawdown and buy-and-hold equity.")]
    public required Artifact Curves { get; init; }

    [Output("How the intervals were computed, e.g. \"stationary bootstrap, 1000 resamples, mean block 5 bars, seed 1, 95 % percentile\".")]
    public required string BootstrapMethod { get; init; }
}
