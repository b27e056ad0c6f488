using System.Globalization;
using Pipelines.Steps.Backtest;
using Pipelines.Steps.Ingest;
using Pipelines.Steps.Tests.Support;

namespace Pipelines.Steps.Tests.Backtest;

/// <summary>The tick path: trades from an aggTrades dump, as ingest/binance-trades writes them, traded tick by tick.</summary>
public sealed class BacktestOnAggTradesTests : IDisposable
{
    private const long T0 = 1_735_689_600_000; // 2025-01-01T00:00:00Z in ms
    private readonly TestStepContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task Ticks_from_an_aggTrades_dump_fill_each_signal_at_the_next_trade_and_are_annualised_by_their_own_rate()
    {
        // 120 trades at uneven millisecond times with microseconds in the dump; every third tick quotes a prediction.
        var random = new Random(6);
        var times = new long[120];
        var prices = new double[120];
        prices[0] = 50_000;
        for (var i = 1; i < times.Length; i++)
        {
            times[i] = times[i - 1] + 1 + random.Next(5000);
            prices[i] = Math.Round(prices[i - 1] + random.Next(-8, 9) * 0.5, 1);
        }
        var dump = string.Concat(Enumerable.Range(0, 120).Select(i => string.Create(CultureInfo.InvariantCulture,
            $"{1000 + i},{prices[i]},0.01,{10 * i},{10 * i},{(T0 + times[i]) * 1000},{(i % 2 == 0 ? "True" : "False")},True\n")));
        var ticks = await new BinanceTradesStep().ExecuteAsync(new BinanceTradesInputs { Path = _context.WriteFile("BTCUSDT-aggTrades-2025-01-01.csv", dump) }, _context, default);
        var predictions = Enumerable.Range(0, 120).Select(_ => random.NextDouble()).ToArray();
        var predicted = TableFiles.Parquet(_context, ["source_row", "prediction"], Enumerable.Range(0, 120).Select(i => new double?[] { i, predictions[i] }));

        var outputs = await new BacktestSignalStep().ExecuteAsync(new BacktestInputs
        {
            Data = ticks.Table, Predictions = predicted, TimeColumn = "time", PriceColumn = "price", PredictionColumn = "prediction",
            LongAbove = 0.6, ShortBelow = 0.4, FeeBps = 1,
        }, _context, default);

        // By hand: tick k holds the target of tick k-2's prediction, each change paying 1 bp.
        var net = new double[119];
        double before = 0;
        for (var k = 1; k < 120; k++)
        {
            var held = k < 2 ? 0 : predictions[k - 2] > 0.6 ? 1 : predictions[k - 2] < 0.4 ? -1 : 0;
            net[k - 1] = held * (prices[k] / prices[k - 1] - 1) - Math.Abs(held - before) * 0.0001;
            before = held;
        }
        var days = times[^1] / 86_400_000.0;
        var perYear = 119 / (days / 365.25);
        var mean = net.Average();
        var sharpe = mean / Math.Sqrt(net.Sum(r => (r - mean) * (r - mean)) / 118) * Math.Sqrt(perYear);
        Assert.Equal(1, outputs.Result.Days / days, 9);
        Assert.Equal(1, outputs.Result.PeriodsPerYear / perYear, 9);
        Assert.Equal(1, outputs.Result.Sharpe / sharpe, 9);
        Assert.Equal(119, outputs.Result.Bars);
    }
}
