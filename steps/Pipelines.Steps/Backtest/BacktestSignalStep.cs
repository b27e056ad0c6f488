using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using Pipelines.Abstractions;
using Pipelines.Learning.Backtesting;
using Pipelines.Learning.Metrics;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Backtest;

/// <summary>
/// A model's out-of-sample predictions traded by a declared policy, with costs and without look-ahead (see
/// <see cref="SignalBacktest"/>): the figures a trader judges a model by, beside buy-and-hold, each with the sample
/// it rests on, and bootstrap intervals for the Sharpe and the annual return so a short holdout is shown for what it is.
/// </summary>
[Step("backtest/signal", "Backtest", "Signal backtest",
    Description = "Trade a model's out-of-sample predictions by a declared policy (long above / short below thresholds, flat between; fixed size or sized by confidence up to a cap), filling each signal at the next bar's close, never the bar that produced it, and paying fees and slippage in basis points on every change of position. Reports Sharpe, Sortino, max drawdown, annual return, win rate, profit factor, turnover, exposure, trades, bars and days beside buy-and-hold, stationary-bootstrap intervals for the Sharpe and annual return, the equity and drawdown curves, and a metrics JSON that validate/gate reads (sharpe >= 1.5, annual_return_lower >= 0, max_drawdown <= 0.12).")]
public sealed class BacktestSignalStep : Step<BacktestInputs, BacktestOutputs>
{
    private static readonly JsonSerializerOptions Snake = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public override Task<BacktestOutputs> ExecuteAsync(BacktestInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        var policy = Validate(inputs);
        if (inputs.Data.Kind != "table" || inputs.Data.Format != "parquet")
            throw new StepInputException("data", $"expects a table artifact, got a {inputs.Data.Kind} ({inputs.Data.Format})");
        var (times, closes, predictions) = ReadBars(context.OpenArtifact(inputs.Data), inputs);
        cancellationToken.ThrowIfCancellationRequested();

        var path = SignalBacktest.Run(closes, predictions, policy, inputs.FeeBps, inputs.SlippageBps);
        var perYear = inputs.PeriodsPerYear;
        var strategy = path.StrategyReturns;
        var sharpeInterval = StationaryBootstrap.Of(strategy, s => TradingMetrics.SharpeRatio(s, perYear), inputs.BootstrapResamples, inputs.Confidence, inputs.Seed, inputs.BlockLength);
        var returnInterval = StationaryBootstrap.Of(strategy, s => TradingMetrics.AnnualisedReturn(s, perYear), inputs.BootstrapResamples, inputs.Confidence, inputs.Seed, inputs.BlockLength);
        var result = new BacktestMetrics
        {
            Sharpe = Finite(TradingMetrics.SharpeRatio(strategy, perYear)),
            SharpeLower = Finite(sharpeInterval.Lower),
            SharpeUpper = Finite(sharpeInterval.Upper),
            Sortino = Finite(TradingMetrics.SortinoRatio(strategy, perYear)),
            MaxDrawdown = TradingMetrics.MaxDrawdown(strategy),
            AnnualReturn = Finite(TradingMetrics.AnnualisedReturn(strategy, perYear)),
            AnnualReturnLower = Finite(returnInterval.Lower),
            AnnualReturnUpper = Finite(returnInterval.Upper),
            WinRate = TradingMetrics.WinRate(strategy),
            ProfitFactor = Finite(TradingMetrics.ProfitFactor(strategy)),
            Turnover = TradingMetrics.Turnover(path.Positions),
            Exposure = path.Exposure,
            Trades = path.Trades,
            Bars = strategy.Length,
            Days = (times[^1] - times[0]) / 86_400_000.0,
            BuyAndHoldAnnualReturn = Finite(TradingMetrics.AnnualisedReturn(path.BuyAndHoldReturns, perYear)),
            BuyAndHoldSharpe = Finite(TradingMetrics.SharpeRatio(path.BuyAndHoldReturns, perYear)),
        };
        var method = string.Create(CultureInfo.InvariantCulture,
            $"stationary bootstrap (Politis-Romano) of the net per-bar returns, {sharpeInterval.Resamples} resamples, mean block {sharpeInterval.MeanBlockLength:0.##} bars, seed {inputs.Seed}, {inputs.Confidence:P0} percentile interval");

        var metrics = new JsonObject
        {
            ["holdout"] = JsonSerializer.SerializeToNode(result, Snake),
            ["bootstrap"] = method,
            ["policy"] = Without(JsonSerializer.SerializeToNode(inputs, Snake)!.AsObject(), "data"),
        };
        var metricsFile = context.StageArtifact("metrics", "json");
        File.WriteAllText(metricsFile.Path, metrics.ToJsonString(Snake));
        var curvesFile = context.StageArtifact("report", "json");
        File.WriteAllText(curvesFile.Path, Curves(times, closes, path).ToJsonString());

        context.Log.Information("Backtest of {Prediction}: Sharpe {Sharpe:0.##} [{SharpeLower:0.##}, {SharpeUpper:0.##}], annual return {Return:P1} [{ReturnLower:P1}, {ReturnUpper:P1}], max drawdown {Drawdown:P1}, {Trades} trades over {Bars} bars ({Days:0.#} days); buy-and-hold {HoldReturn:P1}",
            inputs.PredictionColumn, result.Sharpe, result.SharpeLower, result.SharpeUpper, result.AnnualReturn, result.AnnualReturnLower, result.AnnualReturnUpper,
            result.MaxDrawdown, result.Trades, result.Bars, result.Days, result.BuyAndHoldAnnualReturn);
        return Task.FromResult(new BacktestOutputs
        {
            Result = result, Metrics = context.CommitArtifact(metricsFile), Curves = context.CommitArtifact(curvesFile), BootstrapMethod = method,
        });
    }

    private static TradingPolicy Validate(BacktestInputs inputs)
    {
        if (inputs.LongAbove is null && inputs.ShortBelow is null)
            throw new StepInputException("long_above", "the policy takes no side: set long_above, short_below or both");
        if (inputs.LongAbove is { } l && !double.IsFinite(l)) throw new StepInputException("long_above", $"must be a finite number, got {l}");
        if (inputs.ShortBelow is { } s && !double.IsFinite(s)) throw new StepInputException("short_below", $"must be a finite number, got {s}");
        if (inputs.LongAbove is { } above && inputs.ShortBelow is { } below && below > above)
            throw new StepInputException("short_below", string.Create(CultureInfo.InvariantCulture,
                $"{below} is above long_above {above}: the thresholds cross, so a prediction between them would be both long and short"));
        if (!(inputs.MaxPosition > 0) || !double.IsFinite(inputs.MaxPosition))
            throw new StepInputException("max_position", $"must be a positive number, got {inputs.MaxPosition}");
        if (inputs.FullSizeMargin is { } margin && !(margin > 0 && double.IsFinite(margin)))
            throw new StepInputException("full_size_margin", $"must be a positive number, got {margin}");
        if (!(inputs.FeeBps >= 0) || !double.IsFinite(inputs.FeeBps)) throw new StepInputException("fee_bps", $"must be zero or positive, got {inputs.FeeBps}");
        if (!(inputs.SlippageBps >= 0) || !double.IsFinite(inputs.SlippageBps)) throw new StepInputException("slippage_bps", $"must be zero or positive, got {inputs.SlippageBps}");
        if (!(inputs.PeriodsPerYear > 0) || !double.IsFinite(inputs.PeriodsPerYear))
            throw new StepInputException("periods_per_year", $"must be a positive number, got {inputs.PeriodsPerYear}");
        if (inputs.BootstrapResamples < 100) throw new StepInputException("bootstrap_resamples", $"use at least 100, got {inputs.BootstrapResamples}");
        if (!(inputs.Confidence > 0 && inputs.Confidence < 1)) throw new StepInputException("confidence", $"must lie in (0, 1), got {inputs.Confidence}");
        if (inputs.BlockLength is { } block && !(block >= 1 && double.IsFinite(block))) throw new StepInputException("block_length", $"must be at least 1 bar, got {block}");
        return new TradingPolicy(inputs.LongAbove, inputs.ShortBelow, inputs.MaxPosition, inputs.FullSizeMargin);
    }

    /// <summary>Time (epoch ms), price and prediction of every row, in time order.</summary>
    private static (double[] Times, double[] Closes, double[] Predictions) ReadBars(string parquet, BacktestInputs inputs)
    {
        using var connection = ParquetTableWriter.OpenScratch();
        var columns = TableReader.Describe(connection, parquet);
        string TypeOf(string field, string column) => columns.FirstOrDefault(c => c.Name == column).Type
            ?? throw new StepInputException(field, $"column '{column}' is not in the data (columns: {string.Join(", ", columns.Select(c => c.Name))})");
        var timeType = TypeOf("time_column", inputs.TimeColumn);
        foreach (var (field, column) in new[] { ("price_column", inputs.PriceColumn), ("prediction_column", inputs.PredictionColumn) })
            if (!TableReader.IsNumeric(TypeOf(field, column)))
                throw new StepInputException(field, $"column '{column}' is {TypeOf(field, column)}, not a number");
        var time = SqlText.Identifier(inputs.TimeColumn);
        // epoch_ms of a TIMESTAMPTZ is its UTC instant; a DATE is cast to midnight first.
        var timeSql = timeType.StartsWith("TIMESTAMP", StringComparison.Ordinal) ? $"CAST(epoch_ms({time}) AS DOUBLE)"
            : timeType == "DATE" ? $"CAST(epoch_ms(CAST({time} AS TIMESTAMP)) AS DOUBLE)"
            : TableReader.IsNumeric(timeType) ? $"CAST({time} AS DOUBLE)"
            : throw new StepInputException("time_column", $"column '{inputs.TimeColumn}' is {timeType}; a timestamp or epoch milliseconds is needed");

        var sql = $"SELECT {timeSql}, CAST({SqlText.Identifier(inputs.PriceColumn)} AS DOUBLE), CAST({SqlText.Identifier(inputs.PredictionColumn)} AS DOUBLE) " +
                  $"FROM read_parquet({SqlText.Literal(parquet)}) ORDER BY {time}";
        var rows = (int)connection.Scalar<long>($"SELECT count(*) FROM read_parquet({SqlText.Literal(parquet)})");
        if (rows < 3) throw new StepInputException("data", $"{rows} row(s); a backtest needs at least 3 (a signal, its fill on the next bar, a bar held)");
        var times = new double[rows];
        var closes = new double[rows];
        var predictions = new double[rows];
        using (var result = ChunkReader.Query(connection, sql))
        {
            var offset = 0;
            while (result.Read())
            {
                ReadOnlySpan<double> t = result.Doubles(0), c = result.Doubles(1), p = result.Doubles(2);
                ReadOnlySpan<ulong> tValid = result.Validity(0), cValid = result.Validity(1), pValid = result.Validity(2);
                for (var row = 0; row < result.RowCount; row++)
                {
                    if (!ChunkReader.IsValid(tValid, row)) throw new StepInputException("time_column", $"row {offset + row + 1} (in time order) has no time");
                    if (!ChunkReader.IsValid(cValid, row) || !(c[row] > 0) || !double.IsFinite(c[row]))
                        throw new StepInputException("price_column", $"row {offset + row + 1} (in time order) has no positive price in '{inputs.PriceColumn}'");
                    times[offset + row] = t[row];
                    closes[offset + row] = c[row];
                    predictions[offset + row] = ChunkReader.IsValid(pValid, row) ? p[row] : double.NaN;
                }
                offset += result.RowCount;
            }
        }
        return (times, closes, predictions);
    }

    private static JsonObject Curves(double[] times, double[] closes, SignalBacktest.Path path)
    {
        var bars = new JsonArray();
        double equity = 1, peak = 1, held = 1;
        for (var i = 0; i < path.StrategyReturns.Length; i++)
        {
            equity *= 1 + path.StrategyReturns[i];
            peak = Math.Max(peak, equity);
            held *= 1 + path.BuyAndHoldReturns[i];
            bars.Add(new JsonObject
            {
                ["time_ms"] = times[i + 1], ["close"] = closes[i + 1], ["position"] = path.Positions[i], ["return"] = path.StrategyReturns[i],
                ["equity"] = equity, ["drawdown"] = (peak - equity) / peak, ["buy_and_hold_equity"] = held,
            });
        }
        return new JsonObject { ["start_time_ms"] = times[0], ["start_equity"] = 1.0, ["bars"] = bars };
    }

    private static JsonObject Without(JsonObject node, string key)
    {
        node.Remove(key);
        return node;
    }

    private static double Finite(double value) => double.IsPositiveInfinity(value) ? double.MaxValue : double.IsNegativeInfinity(value) ? double.MinValue : value;
}
