using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Pipelines.Abstractions;
using Pipelines.Learning.Backtesting;

namespace Pipelines.Steps.Backtest;

/// <summary>
/// A model's out-of-sample predictions traded by a declared policy, with costs and without look-ahead (see
/// <see cref="SignalBacktest"/>): the figures a trader judges a model by, beside buy-and-hold, each with the sample
/// it rests on, and bootstrap intervals for the Sharpe and the annual return so a short holdout is shown for what it is.
/// Walk-forward folds are traded one by one, each starting flat, and stitched in fold order for the headline figures.
/// </summary>
[Step("backtest/signal", "Backtest", "Signal backtest", Version = 2,
    Description = "Trade a model's out-of-sample predictions (a train step's out_of_sample: every walk-forward fold and the holdout) by a declared policy (long above / short below thresholds, flat between; fixed size or sized by confidence up to a cap), on bars or ticks, filling each signal at the next row's price, never the row that produced it, and paying fees and slippage in basis points (and half the spread, where the data has one) on every change of position. Each fold is traded on its own and the folds are stitched. Reports Sharpe, Sortino, max drawdown, annual return, win rate, profit factor, turnover, exposure, trades, bars and days beside buy-and-hold, per fold and stitched, stationary-bootstrap intervals for the Sharpe and annual return, the equity and drawdown curves, a monthly or daily returns table, and a metrics JSON that validate/gate reads (sharpe >= 1.5, sharpe_lower >= 0, annual_return >= 0.16, max_drawdown <= 0.12).")]
public sealed class BacktestSignalStep : Step<BacktestInputs, BacktestOutputs>
{
    private static readonly JsonSerializerOptions Snake = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true, Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public override Task<BacktestOutputs> ExecuteAsync(BacktestInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (inputs.Problems().FirstOrDefault() is { } problem) throw problem.ToException();
        var policy = new TradingPolicy(inputs.LongAbove, inputs.ShortBelow, inputs.MaxPosition, inputs.FullSizeMargin);
        var folds = BacktestRows.Read(context, inputs);
        cancellationToken.ThrowIfCancellationRequested();

        var paths = folds.Select(f => SignalBacktest.Run(f.Prices, f.Predictions, policy, inputs.FeeBps, inputs.SlippageBps, f.Spreads)).ToList();
        var stitched = BacktestFigures.Stitch(paths);
        var days = folds.Sum(f => f.Days);
        var perYear = inputs.PeriodsPerYear ?? MeasuredPeriodsPerYear(stitched.StrategyReturns.Length, days);
        var result = BacktestFigures.Of(stitched, days, perYear, inputs, out var interval);
        var perFold = folds.Select((f, i) => (f.Fold, Figures: BacktestFigures.Of(paths[i], f.Days, perYear, inputs, out _))).ToList();

        var method = string.Create(CultureInfo.InvariantCulture,
            $"stationary bootstrap (Politis-Romano) of the net per-bar returns, {interval.Resamples} resamples, mean block {interval.MeanBlockLength:0.##} bars, seed {inputs.Seed}, {inputs.Confidence:P0} percentile interval");
        var metrics = new JsonObject
        {
            ["holdout"] = JsonSerializer.SerializeToNode(result, Snake),
            ["walk_forward"] = new JsonObject
            {
                ["folds"] = folds.Count,
                ["mean"] = Mean(perFold.Select(f => f.Figures)),
                ["per_fold"] = new JsonArray([.. perFold.Select(f => Figures(f.Fold, f.Figures))]),
            },
            ["sample"] = string.Create(CultureInfo.InvariantCulture,
                $"out of sample only: {folds.Count} fold(s) stitched, {result.Bars} bars over {result.Days:0.##} days, {result.Trades} trades; every figure annualised by {perYear:0.##} bars a year"),
            ["bootstrap"] = method,
            ["policy"] = Without(JsonSerializer.SerializeToNode(inputs, Snake)!.AsObject(), "data", "predictions"),
        };
        var metricsFile = context.StageArtifact("metrics", "json");
        File.WriteAllText(metricsFile.Path, metrics.ToJsonString(Snake));
        var curvesFile = context.StageArtifact("report", "json");
        File.WriteAllText(curvesFile.Path, Curves(folds, paths).ToJsonString());
        var (barTimes, traded) = BarTimesAndTrades(folds, paths);
        var returns = PeriodReturns.Write(context, PeriodReturns.Of(barTimes, stitched.StrategyReturns, stitched.BuyAndHoldReturns, traded, inputs.ReturnsPeriod));

        context.Log.Information("Backtest of {Prediction}: Sharpe {Sharpe:0.##} [{SharpeLower:0.##}, {SharpeUpper:0.##}], annual return {Return:P1} [{ReturnLower:P1}, {ReturnUpper:P1}], max drawdown {Drawdown:P1}, {Trades} trades over {Bars} bars ({Days:0.#} days, {Folds} folds); buy-and-hold {HoldReturn:P1}",
            inputs.PredictionColumn, result.Sharpe, result.SharpeLower, result.SharpeUpper, result.AnnualReturn, result.AnnualReturnLower, result.AnnualReturnUpper,
            result.MaxDrawdown, result.Trades, result.Bars, result.Days, folds.Count, result.BuyAndHoldAnnualReturn);
        return Task.FromResult(new BacktestOutputs
        {
            Result = result, Metrics = context.CommitArtifact(metricsFile), Curves = context.CommitArtifact(curvesFile), Returns = returns,
            BootstrapMethod = method, Folds = folds.Count,
        });
    }

    /// <summary>Bars traded per 365.25 days of the folds' spans.</summary>
    private static double MeasuredPeriodsPerYear(int bars, double days)
    {
        if (!(days > 0)) throw new StepInputException("periods_per_year", "the rows span no time, so bars a year cannot be measured; declare periods_per_year");
        return bars / (days / 365.25);
    }

    private static JsonObject Figures(long fold, BacktestMetrics figures)
    {
        var node = JsonSerializer.SerializeToNode(figures, Snake)!.AsObject();
        node.Insert(0, "fold", fold);
        return node;
    }

    private static JsonObject Mean(IEnumerable<BacktestMetrics> folds)
    {
        var nodes = folds.Select(f => JsonSerializer.SerializeToNode(f, Snake)!.AsObject()).ToList();
        var mean = new JsonObject();
        foreach (var (name, _) in nodes[0]) mean[name] = nodes.Average(n => n[name]!.GetValue<double>());
        return mean;
    }

    private static (double[] Times, bool[] Traded) BarTimesAndTrades(IReadOnlyList<BacktestFold> folds, IReadOnlyList<SignalBacktest.Path> paths)
    {
        var times = new List<double>();
        var traded = new List<bool>();
        for (var f = 0; f < folds.Count; f++)
        {
            var positions = paths[f].Positions;
            for (var i = 0; i < positions.Length; i++)
            {
                times.Add(folds[f].Times[i + 1]);
                traded.Add(positions[i] != (i == 0 ? 0 : positions[i - 1]));
            }
        }
        return ([.. times], [.. traded]);
    }

    private static JsonObject Curves(IReadOnlyList<BacktestFold> folds, IReadOnlyList<SignalBacktest.Path> paths)
    {
        var bars = new JsonArray();
        double equity = 1, peak = 1, held = 1;
        for (var f = 0; f < folds.Count; f++)
        {
            var (fold, path) = (folds[f], paths[f]);
            for (var i = 0; i < path.StrategyReturns.Length; i++)
            {
                equity *= 1 + path.StrategyReturns[i];
                peak = Math.Max(peak, equity);
                held *= 1 + path.BuyAndHoldReturns[i];
                bars.Add(new JsonObject
                {
                    ["fold"] = fold.Fold, ["time_ms"] = fold.Times[i + 1], ["close"] = fold.Prices[i + 1], ["position"] = path.Positions[i], ["return"] = path.StrategyReturns[i],
                    ["equity"] = equity, ["drawdown"] = (peak - equity) / peak, ["buy_and_hold_equity"] = held,
                });
            }
        }
        return new JsonObject { ["start_time_ms"] = folds[0].Times[0], ["start_equity"] = 1.0, ["bars"] = bars };
    }

    private static JsonObject Without(JsonObject node, params string[] keys)
    {
        foreach (var key in keys) node.Remove(key);
        return node;
    }
}
