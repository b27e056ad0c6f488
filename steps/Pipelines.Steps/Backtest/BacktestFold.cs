namespace Pipelines.Steps.Backtest;

/// <summary>One block of out-of-sample rows traded on its own, in time order: times in epoch milliseconds, prices,
/// predictions (NaN where the model gave none) and spreads (empty when the data has none).</summary>
internal sealed record BacktestFold(long Fold, double[] Times, double[] Prices, double[] Predictions, double[] Spreads)
{
    /// <summary>Calendar days from the fold's first row to its last.</summary>
    public double Days => (Times[^1] - Times[0]) / 86_400_000.0;
}
