using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Steps.Backtest;
using Pipelines.Steps.Report;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Tests.Train;
using Pipelines.Steps.Train;

namespace Pipelines.Steps.Tests.Report;

/// <summary>The run report shows a backtest the pipeline ran, and no trading result for a model that has none.</summary>
public sealed class RunReportBacktestTests : IDisposable
{
    private readonly TestStepContext _context = new();
    private readonly double?[][] _rows = LinearTables.Rows(600, seed: 8);
    private readonly Artifact _table;
    private readonly TrainLinearOutputs _trained;

    public RunReportBacktestTests()
    {
        // LinearTables' t counts rows; make it a minute clock so the backtest has times and a price that follows y.
        var price = 100.0;
        var bars = _rows.Select(r => new double?[] { 1_677_628_800_000 + r[0]!.Value * 60_000, price *= 1 + r[4]!.Value * 0.001, r[1], r[2], r[3], r[5] }).ToArray();
        _table = TableFiles.Parquet(_context, ["open_time", "close", "a", "b", "noise", "up"], bars);
        _trained = new TrainLinearStep().ExecuteAsync(new TrainLinearInputs
        {
            Input = _table, Target = "up", Objective = Pipelines.Learning.Linear.LinearObjective.Logistic, Features = ["a", "b", "noise"], Gap = 2, Folds = 3,
        }, _context, default).GetAwaiter().GetResult();
    }

    public void Dispose() => _context.Dispose();

    private string Report(BacktestOutputs? backtest) =>
        File.ReadAllText(_context.FullPath(new RunReportStep().ExecuteAsync(new RunReportInputs
        {
            Title = "up or down", Metrics = _trained.Metrics, Holdout = _trained.Holdout,
            Backtest = backtest?.Metrics, BacktestCurves = backtest?.Curves, BacktestReturns = backtest?.Returns,
        }, _context, default).GetAwaiter().GetResult().Report));

    [Fact]
    public async Task A_declared_backtest_is_shown_with_its_figures_intervals_samples_folds_curves_and_returns()
    {
        var backtest = await new BacktestSignalStep().ExecuteAsync(new BacktestInputs
        {
            Data = _table, Predictions = _trained.OutOfSample, PredictionColumn = "prediction", LongAbove = 0.55, ShortBelow = 0.45, FeeBps = 5,
            PeriodsPerYear = 525_600, ReturnsPeriod = ReturnsPeriod.Day,
        }, _context, default);

        var html = Report(backtest);

        var section = ReportHtml.Section(html, "Backtest, out of sample, after costs");
        var m = backtest.Result;
        var rows = ReportHtml.Rows(section);
        var sample = FormattableString.Invariant($"{m.Bars} bars, {m.Days:0.##} days, {m.Trades} trades");
        var sharpe = rows.Single(r => r[0] == "Sharpe");
        Assert.Equal([FormattableString.Invariant($"{m.Sharpe:0.##}"), FormattableString.Invariant($"[{m.SharpeLower:0.##}, {m.SharpeUpper:0.##}]"),
            FormattableString.Invariant($"{m.BuyAndHoldSharpe:0.##}"), sample], sharpe.Skip(1));
        Assert.Equal(FormattableString.Invariant($"[{m.AnnualReturnLower * 100:0.##} %, {m.AnnualReturnUpper * 100:0.##} %]"), rows.Single(r => r[0] == "annual return")[2]);
        Assert.Contains("4 fold(s) stitched", section);
        Assert.Equal(4, rows.Count(r => r.Count == 8 && r[0] is "1" or "2" or "3" or "4"));
        Assert.Contains("strategy, after costs", ReportHtml.SvgTexts(section));
        Assert.Contains("drawdown from the peak", ReportHtml.SvgTexts(section));
        Assert.Contains(rows, r => r[0] == "2023-03-01");
    }

    [Fact]
    public void A_model_without_a_backtest_gets_no_equity_curve_or_trading_figure()
    {
        var html = Report(null);

        Assert.DoesNotContain("Backtest", html);
        Assert.DoesNotContain("equity", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Sharpe", html);
    }

    [Fact]
    public async Task Backtest_metrics_without_their_curves_are_refused_naming_the_missing_input()
    {
        var backtest = await new BacktestSignalStep().ExecuteAsync(new BacktestInputs
        {
            Data = _table, Predictions = _trained.OutOfSample, PredictionColumn = "prediction", LongAbove = 0.55, PeriodsPerYear = 525_600,
        }, _context, default);

        var error = await Assert.ThrowsAsync<StepInputException>(() => new RunReportStep().ExecuteAsync(new RunReportInputs
        {
            Title = "t", Metrics = _trained.Metrics, Holdout = _trained.Holdout, Backtest = backtest.Metrics, BacktestReturns = backtest.Returns,
        }, _context, default));
        Assert.Equal("backtest_curves", error.Input);
    }

    [Fact]
    public async Task Feature_correlations_from_report_features_appear_as_their_own_section()
    {
        var correlations = await new FeatureReportStep().ExecuteAsync(new FeatureReportInputs { Data = _table, Horizon = 1, Features = ["a", "b"] }, _context, default);

        var html = File.ReadAllText(_context.FullPath((await new RunReportStep().ExecuteAsync(new RunReportInputs
        {
            Title = "up or down", Metrics = _trained.Metrics, Holdout = _trained.Holdout, FeatureCorrelations = correlations.Table,
        }, _context, default)).Report));

        var rows = ReportHtml.Rows(ReportHtml.Section(html, "Features against forward returns"));
        Assert.Equal(["a", "b"], rows.Skip(1).Select(r => r[0]).Order());
        Assert.All(rows.Skip(1), r => Assert.Equal("599", r[1]));
    }
}
